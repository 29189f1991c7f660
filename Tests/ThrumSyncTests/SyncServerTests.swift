import FoundationEssentials
import Testing
import ThrumCore
import ThrumRPC
@testable import ThrumSync

@Suite struct SyncServerTests {
    private func expectError(_ node: SyncNode, _ method: String, _ params: JSONValue, code: Int,
                             mentioning text: String) async throws {
        do {
            _ = try await LineRPCClient.call(.tcp(host: "127.0.0.1", port: node.port), method, params, as: JSONValue.self)
            Issue.record("\(method) with \(params) was accepted")
        } catch let RPCClientError.server(error) {
            #expect(error.code == code)
            #expect(error.message.contains(text), "message was: \(error.message)")
        }
    }

    @Test func refusesBadParamsAndForeignMethods() async throws {
        try await withNodes { nodes in
            let node = try await nodes.start()
            try await expectError(node, "sync.pull", .object(["after_seq": .int(0), "limit": .int(0)]),
                                  code: RPCError.invalidParamsCode, mentioning: "limit must be between 1 and 1000")
            try await expectError(node, "sync.pull", .object(["after_seq": .int(0), "limit": .int(1001)]),
                                  code: RPCError.invalidParamsCode, mentioning: "limit")
            try await expectError(node, "sync.pull", .object(["after_seq": .int(-1)]),
                                  code: RPCError.invalidParamsCode, mentioning: "after_seq must be 0 or more")
            try await expectError(node, "sync.pull", .object([:]),
                                  code: RPCError.invalidParamsCode, mentioning: "after_seq")
            try await expectError(node, "sync.notify", .object(["daemon_id": .string("x"), "latest_seq": .int(1), "event_count": .int(1)]),
                                  code: RPCError.invalidParamsCode, mentioning: "daemon_id")
            try await expectError(node, "sync.gossip", .object([:]), code: RPCError.methodNotFoundCode, mentioning: "sync.gossip")
            // Control-socket methods are never served on the sync port.
            try await expectError(node, "message.send", .object([:]), code: RPCError.methodNotFoundCode, mentioning: "message.send")
            try await expectError(node, "status", .object([:]), code: RPCError.methodNotFoundCode, mentioning: "status")
        }
    }

    @Test func peerInfoTellsWhoAnswers() async throws {
        try await withNodes { nodes in
            let node = try await nodes.start()
            try node.write(3)
            let info = try await LineRPCClient.call(.tcp(host: "127.0.0.1", port: node.port), "sync.peer_info", NoParams(),
                                                    as: PeerInfo.self)
            #expect(info.daemonID == node.daemonID)
            #expect(info.publicKey == node.identity.publicKeyBase64)
            #expect(info.fingerprint == node.identity.fingerprint)
            #expect(info.latestSeq == 3)
            #expect(info.version == ThrumVersion.current)
        }
    }

    private struct Page: Decodable {
        var events: [Event]
        var next_seq: Int64
        var more_available: Bool
    }

    @Test func pagesWithLimitAndMoreAvailable() async throws {
        try await withNodes { nodes in
            let node = try await nodes.start()
            let written = try node.write(25)
            var after: Int64 = 0
            var sizes: [Int] = []
            var mores: [Bool] = []
            var seen: [String] = []
            while true {
                let page = try await LineRPCClient.call(.tcp(host: "127.0.0.1", port: node.port), "sync.pull",
                                                        PullParams(afterSeq: after, limit: 10), as: Page.self)
                sizes.append(page.events.count)
                mores.append(page.more_available)
                seen += page.events.map(\.eventID)
                #expect(page.next_seq >= after)
                after = page.next_seq
                if !page.more_available { break }
            }
            #expect(sizes == [10, 10, 5])
            #expect(mores == [true, true, false])
            #expect(seen == written.map(\.event.eventID))
            // Past the end: nothing, next_seq stays where it was.
            let empty = try await LineRPCClient.call(.tcp(host: "127.0.0.1", port: node.port), "sync.pull",
                                                     PullParams(afterSeq: after), as: Page.self)
            #expect(empty.events.isEmpty && empty.next_seq == after && !empty.more_available)
        }
    }

    @Test func originEventsAnswersOneOriginsSpanAndThePullCarriesTheFrontier() async throws {
        try await withNodes { nodes in
            let node = try await nodes.start()
            let written = try node.write(5)
            let endpoint = RPCEndpoint.tcp(host: "127.0.0.1", port: node.port)
            let span = try await LineRPCClient.call(endpoint, "sync.origin_events",
                                                    OriginEventsParams(origin: node.daemonID, from: 2, through: 4), as: Page.self)
            #expect(span.events == Array(written[1...3].map(\.event)))
            #expect(span.next_seq == 4 && !span.more_available)
            #expect(span.events.map(\.prev) == written[0...2].map { Optional($0.event.chainHash) })
            try await expectError(node, "sync.origin_events", .object(["origin": .string(node.daemonID), "from": .int(1), "through": .int(1001)]),
                                  code: RPCError.invalidParamsCode, mentioning: "at most 1000")
            try await expectError(node, "sync.origin_events", .object(["origin": .string("alice"), "from": .int(1), "through": .int(2)]),
                                  code: RPCError.invalidParamsCode, mentioning: "origin")
            try await expectError(node, "sync.pull", .object(["after_seq": .int(0), "heads": .object([node.daemonID: .string("nope")])]),
                                  code: RPCError.invalidParamsCode, mentioning: "chain hashes")
            let page = try await LineRPCClient.withConnection(to: endpoint, maxLineBytes: SyncLimits.maxAnswerBytes) { connection in
                try PulledPage.read(answer: try await connection.answerLine(SyncMethod.pull.rawValue, PullParams(afterSeq: 0)))
            }
            #expect(page.frontier?.have == [node.daemonID: 5])
            #expect(page.frontier?.heads == [node.daemonID: written[4].event.chainHash])
            #expect(page.proofs.isEmpty)
        }
    }

    @Test func responseIsCutAtTheByteBudget() async throws {
        try await withNodes { nodes in
            // Each event costs its data plus 512 bytes in the budget: about 3 per page.
            let node = try await nodes.start(byteBudget: 2_500)
            try node.write(10)
            let page = try await LineRPCClient.call(.tcp(host: "127.0.0.1", port: node.port), "sync.pull",
                                                    PullParams(afterSeq: 0), as: Page.self)
            #expect(page.events.count < 10)
            #expect(page.events.count >= 1)
            #expect(page.more_available)
        }
    }

    @Test func eachPulledEventKeepsTheBytesThePeerSent() throws {
        let first = #"{"event_id":"evt_1","type":"x","odd":[1,{"a":"]}\""}]}"#
        let second = #"{ "event_id" : "evt_2", "data" : "{\"text\":\"a, b\"}" }"#
        let line = #"{"jsonrpc":"2.0","id":1,"result":{"events":["# + first + " , " + second + #"],"next_seq":7,"more_available":false}}"#
        let page = try PulledPage.read(answer: Array(line.utf8))
        #expect(page.events.count == 2)
        #expect(String(decoding: page.event(0), as: UTF8.self) == first)
        #expect(String(decoding: page.event(1), as: UTF8.self) == second)
        #expect(page.nextSeq == 7)
        #expect(!page.moreAvailable)
    }

    @Test func aRefusalInsteadOfAPageIsThrownWithItsRetryHint() {
        let line = #"{"jsonrpc":"2.0","id":1,"error":{"code":429,"message":"rate limited","data":{"retry_after_ms":120}}}"#
        #expect {
            _ = try PulledPage.read(answer: Array(line.utf8))
        } throws: { error in
            guard case let .server(refusal)? = error as? RPCClientError else { return false }
            return refusal.code == 429 && refusal.retryAfterMilliseconds == 120
        }
    }

    @Test func aBrokenPageIsABadResponseNotACrash() {
        for line in [#"{"result":{"events":[{"a":"#, #"{"result":{"events":[1,],"next_seq":1}}"#, "", "[]",
                     #"{"result":{"events":[],"next_seq":"x","more_available":false}}"#] {
            #expect(throws: RPCClientError.self) { _ = try PulledPage.read(answer: Array(line.utf8)) }
        }
    }
}
