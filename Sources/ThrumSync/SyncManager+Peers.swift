import FoundationEssentials
import Logging
import ThrumCore
import ThrumRPC
import ThrumSystem

extension SyncManager {
    /// Adds (or refreshes) the peer at `address` after asking it who it is:
    /// its daemon ID must be the one its public key derives, and it must not be
    /// this daemon. A first pull from it starts in the background.
    public func addPeer(address text: String, source: PeerRecord.Source = .manual,
                        tailscaleIP: String? = nil) async throws(SyncManagerError) -> PeerRecord {
        guard !isClosed else { throw .shuttingDown }
        let address = try PeerAddress(parsing: text, defaultPort: config.tailscalePort)
        let info: PeerInfo
        let challenge = PeerProof.newChallenge()
        do {
            let timeout = options.addPeerTimeout
            info = try await LineRPCClient.withConnection(to: address.endpoint, maxLineBytes: SyncLimits.maxAnswerBytes,
                                                          connectTimeout: min(timeout, .seconds(5))) {
                try await PeerProof.ask($0, challenge: challenge, timeout: timeout)
            }
        } catch let RPCClientError.server(refusal) where refusal.code == RPCError.unauthorizedCode {
            throw .unreachable("\(address) refused this daemon: not authorized. Its THRUM_SECURITY_REQUIRED_TAGS "
                + "(default tag:thrum-daemon), _ALLOWED_PEERS or _ALLOWED_DOMAINS do not admit this machine; "
                + "tag it in the Tailscale ACL policy (thrum tsync up advertises the tags) or ask that host's admin")
        } catch {
            throw .unreachable("cannot ask \(address) who it is: \(error); check the address and that thrum runs there "
                + "with THRUM_TAILSCALE_ENABLED=true")
        }
        if let reason = PeerProof.refusal(of: info, challenge: challenge) {
            options.metrics.decided(.keyProof, allowed: false)
            authLogger.warning("[sync_auth] DENIED peer at \(address): failed the key proof: it \(reason)",
                               metadata: ["peer": "\(address)"])
            throw .badPeerInfo("\(address) \(reason); it is not registered")
        }
        let key = [UInt8](Data(base64Encoded: info.publicKey) ?? Data())
        let derived = info.daemonID
        guard derived != identity.daemonID else {
            throw .isSelf("\(address) is this daemon (\(derived)); add another machine's address")
        }
        let existing = registry.peer(daemonID: derived)
        let record = PeerRecord(
            daemonID: derived, hostname: Self.displayable(info.hostname), address: address.description,
            tailscaleIP: tailscaleIP ?? existing?.tailscaleIP, publicKey: info.publicKey,
            fingerprint: DaemonIdentity.fingerprint(ofPublicKey: key),
            source: existing?.source == .manual ? .manual : source,
            addedAt: existing?.addedAt ?? Timestamp.now(), lastSync: existing?.lastSync, status: existing?.status ?? "new")
        do {
            try registry.upsert(record)
        } catch {
            throw .registry("\(error)")
        }
        options.metrics.decided(.keyProof, allowed: true)
        authLogger.info("[sync_auth] peer \(derived) at \(address) proved its key (fingerprint \(record.fingerprint))",
                        metadata: ["peer": "\(derived)"])
        logger.aboutPeer(derived).info("sync: peer \(derived) (\(record.hostname)) at \(address) \(existing == nil ? "added" : "updated"), source=\(record.source.rawValue), fingerprint \(record.fingerprint)")
        requestPull(derived)
        return record
    }

    private var authLogger: Logger {
        var logger = logger
        logger[metadataKey: "component"] = "sync_auth"
        return logger
    }

    /// A peer-supplied host name, made safe to print in a table or a log line.
    static func displayable(_ name: String) -> String {
        let cleaned = String(name.unicodeScalars.filter { !$0.properties.generalCategory.isControl }.prefix(253).map(Character.init))
        return cleaned.isEmpty ? "(unnamed)" : cleaned
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isControl: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
