import Testing
@testable import ThrumMCP

@Suite struct LineSplitterTests {
    private func lines(_ results: [InboundLine]) -> [String] {
        results.map { result in
            switch result {
            case let .line(bytes): return String(decoding: bytes, as: UTF8.self)
            case let .tooLong(limit): return "<too long: \(limit)>"
            }
        }
    }

    @Test func aMessageSplitAcrossReadsComesOutWhole() {
        var splitter = LineSplitter(maxLineBytes: 1024)
        #expect(lines(splitter.feed(Array(#"{"id":1,"#.utf8))).isEmpty)
        #expect(lines(splitter.feed(Array("\"method\":\"ping\"}\n{\"id\":2}\n".utf8))) == [#"{"id":1,"method":"ping"}"#, #"{"id":2}"#])
        #expect(splitter.finish() == nil)
    }

    @Test func carriageReturnLineEndsAreAccepted() {
        var splitter = LineSplitter(maxLineBytes: 1024)
        #expect(lines(splitter.feed(Array("a\r\nb\n".utf8))) == ["a", "b"])
    }

    @Test func aLastLineWithoutNewlineIsNotLost() {
        var splitter = LineSplitter(maxLineBytes: 1024)
        #expect(lines(splitter.feed(Array("a\nlast".utf8))) == ["a"])
        #expect(splitter.finish().map { lines([$0]) } == ["last"])
    }

    @Test func anOverlongLineIsReportedOnceAndTheNextLineStillArrives() {
        var splitter = LineSplitter(maxLineBytes: 8)
        var out = splitter.feed(Array("0123456789".utf8))
        out += splitter.feed(Array("abcdefghij".utf8))
        out += splitter.feed(Array("xyz\nok\n".utf8))
        #expect(lines(out) == ["<too long: 8>", "ok"])
        #expect(splitter.finish() == nil)
    }
}
