/// Control-socket results, as the daemon sends them, for the canned daemon:
/// `full` sets every optional field and fills every list, `bare` leaves out all it may.
enum DaemonSamples {
    static let fullMessage = """
        {"message_id":"msg_01-d_bbbbbbbbbbbbbbbb","event_id":"evt_01","from":"bob@d_bbbbbbbbbbbbbbbb",
         "to":"@alice@d_aaaaaaaaaaaaaaaa","recipient":"alice@d_aaaaaaaaaaaaaaaa","from_display":"bob",
         "to_display":"@alice","text":"review PR 42",
         "thread_id":"thr_01","reply_to":"msg_00","created_at":"2025-11-25T10:00:00.000Z",
         "edited_at":"2025-11-25T10:05:00.000Z","deleted":false,"origin_daemon":"dmn_b","read":false}
        """
    static let bareMessage = """
        {"message_id":"msg_02-d_bbbbbbbbbbbbbbbb","event_id":"evt_02","from":"bob@d_bbbbbbbbbbbbbbbb","to":"@everyone",
         "from_display":"bob","to_display":"@everyone","text":"hi",
         "created_at":"2025-11-25T10:00:00.000Z","deleted":false,"origin_daemon":"dmn_b"}
        """
    static let fullAgent = """
        {"address":"alice@d_aaaaaaaaaaaaaaaa","display":"alice","name":"alice","role":"reviewer","host":"laptop",
         "origin_daemon":"d_aaaaaaaaaaaaaaaa",
         "registered_at":"2025-11-25T09:00:00.000Z","deregistered":false}
        """
    static let bareAgent = """
        {"address":"alice@d_aaaaaaaaaaaaaaaa","display":"alice","name":"alice","origin_daemon":"d_aaaaaaaaaaaaaaaa",
         "registered_at":"2025-11-25T09:00:00.000Z","deregistered":false}
        """
    static let fullPeer = """
        {"daemon_id":"dmn_b","hostname":"runner","address":"100.64.0.2:7483","last_sync":"2025-11-25T10:00:00.000Z",
         "status":"backoff","failures":2,"retry_at":"2025-11-25T10:01:00.000Z","retry_in_ms":1500}
        """
    static let fullStatus = """
        {"daemon_id":"dmn_a","version":"1.0.0","hostname":"laptop","uptime_seconds":60,"state_dir":"/var/lib/thrum",
         "socket":"/run/thrum/thrum.sock","event_count":12,"latest_seq":12,"agent_count":2,"store_problem":"disk full","log_bytes":1048576,"oldest_event":"2025-11-01T00:00:00.000Z","retention_seconds":2592000,
         "tailscale_sync":{"enabled":true,"hostname":"laptop","peer_count":1,"peers":[\(fullPeer)],
           "last_sync":"2025-11-25T10:00:00.000Z","listening":"100.64.0.1:7483","registry_problem":"unreadable"},
         "forks":[{"origin":"d_forker","sequence":3,"detected_at":"2025-11-25T10:00:00.000Z","from_daemon":"d_peer","own_history":false}],
         "own_history":{"state":"learning","detail":"checking with its peers how far its own history goes"},
         "claims":{"live":2,"held":1,"contested":1,"expiring":0}}
        """
    static let bareStatus = """
        {"daemon_id":"dmn_a","version":"1.0.0","hostname":"laptop","uptime_seconds":0,"state_dir":"/var/lib/thrum",
         "socket":"/run/thrum/thrum.sock","event_count":0,"latest_seq":0,"agent_count":0,
         "tailscale_sync":{"enabled":false,"hostname":"laptop","peer_count":0,"peers":[]}}
        """
    static let written = #"{"event_id":"evt_09","seq":9,"message_id":"msg_09"}"#
    static let fullHolder = #"{"claim_id":"clm_2-d_b","agent":"bob@d_b","display":"bob","host":"runner","expires_at":"2025-11-25T10:00:00.000Z","state":"contested"}"#
    static let fullClaim = """
        {"claim_id":"clm_1-d_a","agent":"alice@d_a","display":"alice","host":"laptop","project":"github.com/acme/app",
         "patterns":["src/**"],"shared":false,"note":"refactor","state":"contested","created_at":"2025-11-25T09:00:00.000Z",
         "expires_at":"2025-11-25T10:00:00.000Z","renewed_at":"2025-11-25T09:30:00.000Z","released_at":"2025-11-25T09:40:00.000Z",
         "contested_with":[\(fullHolder)],"overruled_by":"clm_0-d_c","confirmed":false,"confirmation":"1 of 2 peers synced in the last 10m hold it"}
        """
    static let fullMessageStatus = """
        {"message_id":"msg_09","from":"alice@d_a","to":"@builders","text":"standup","sent_at":"2025-11-25T09:00:00.000Z",
         "ack_required":true,"ack_due":"2025-11-25T10:00:00.000Z","pending":false,"overdue":false,
         "recipients":[{"address":"bob@d_b","display":"bob","state":"acknowledged","delivered_at":"2025-11-25T09:00:30.000Z","read_at":"2025-11-25T09:01:00.000Z",
                        "acknowledged_at":"2025-11-25T09:02:00.000Z","note":"on it"}],
         "ignored_receipts":[{"agent":"mallory@d_z","display":"mallory","at":"2025-11-25T09:03:00.000Z"}]}
        """

    /// What every tool needs before it runs: alice is registered and has a session.
    static func daemon(_ results: [String: String]) -> CannedDaemon {
        CannedDaemon(results: results.merging([
            "agent.list": #"{"agents":[\#(fullAgent)]}"#,
            "session.heartbeat": #"{"event_id":"evt_08","seq":8}"#,
        ], uniquingKeysWith: { own, _ in own }))
    }
}
