import ThrumRPC

/// The `outputSchema` of each tool: field for field what its `structuredContent`
/// holds. Clients may check results against it, so every object is closed and a
/// field is optional only where the result type leaves it out when it has no value.
extension ThrumTool {
    var outputSchema: JSONValue {
        switch self {
        case .sendMessage:
            return JSONSchema.record(OutputSchemas.written([
                "to": JSONSchema.string("The recipient as given: an agent's name or address, @group or @everyone."),
                "thread_id": JSONSchema.string("The thread it was posted in, when one was given."),
            ]), optional: ["thread_id"])
        case .reply:
            return JSONSchema.record(OutputSchemas.written([
                "reply_to": JSONSchema.string("The message answered."),
            ]))
        case .checkInbox:
            return JSONSchema.record([
                "messages": JSONSchema.array("The messages, oldest first.", of: OutputSchemas.message),
            ])
        case .waitForMessage:
            return JSONSchema.record([
                "message": OutputSchemas.message,
                "timed_out": JSONSchema.boolean("True when no message arrived in time; then there is no message."),
            ], optional: ["message"])
        case .listAgents:
            return JSONSchema.record([
                "agents": JSONSchema.array("The agents registered on this daemon and every daemon synced with it.", of: OutputSchemas.agent),
            ])
        case .syncStatus:
            return OutputSchemas.status
        case .acknowledge:
            return JSONSchema.record([
                "message_id": JSONSchema.string("The message acknowledged."),
                "acknowledged_at": JSONSchema.string("When the acknowledgement that stands was written."),
                "already": JSONSchema.boolean("True when an earlier acknowledgement stands and nothing was written."),
            ], optional: ["acknowledged_at"])
        case .messageStatus:
            return OutputSchemas.messageStatus
        case .claim:
            return OutputSchemas.claim
        case .releaseClaim:
            return JSONSchema.record([
                "released": JSONSchema.array("The claims released.", of: JSONSchema.string("A claim ID.")),
            ])
        case .listClaims:
            return JSONSchema.record([
                "claims": JSONSchema.array("The claims, newest first.", of: OutputSchemas.claim),
            ])
        case .checkPaths:
            return JSONSchema.record([
                "project": JSONSchema.string("The project checked."),
                "checked": JSONSchema.integer("How many paths were checked."),
                "held": JSONSchema.array("The paths another agent holds, each with its holders.", of: JSONSchema.record([
                    "path": JSONSchema.string("The path as checked."),
                    "holders": JSONSchema.array("Who holds it.", of: OutputSchemas.claimHolder),
                ])),
            ])
        }
    }
}

/// The parts that more than one tool's result shares: the daemon's records.
enum OutputSchemas {
    /// What send_message and reply both say about the message they wrote, with `fields`.
    static func written(_ fields: [String: JSONValue]) -> [String: JSONValue] {
        fields.merging([
            "message_id": JSONSchema.string("The new message's ID (msg_…)."),
            "event_id": JSONSchema.string("The event that created it."),
        ], uniquingKeysWith: { own, _ in own })
    }

    static let message = JSONSchema.record([
        "message_id": JSONSchema.string("The message's ID (msg_…)."),
        "event_id": JSONSchema.string("The event that created it."),
        "from": JSONSchema.string("The sending agent's full address (NAME@d_…)."),
        "to": JSONSchema.string("Whom it was sent to, as written: @NAME@d_…, @group or @everyone (a bare @NAME in old messages)."),
        "recipient": JSONSchema.string("The full address of the agent it reaches, when it was sent to an agent."),
        "from_display": JSONSchema.string("The sender in its shortest unambiguous form here (NAME, NAME@HOST or the address)."),
        "to_display": JSONSchema.string("The recipient in its shortest unambiguous form here."),
        "text": JSONSchema.string("The message text."),
        "thread_id": JSONSchema.string("The thread it belongs to."),
        "reply_to": JSONSchema.string("The message it answers."),
        "created_at": JSONSchema.string("When it was sent (RFC 3339, UTC)."),
        "edited_at": JSONSchema.string("When it was last edited."),
        "deleted": JSONSchema.boolean("Whether it was deleted."),
        "origin_daemon": JSONSchema.string("The daemon it was written on."),
        "read": JSONSchema.boolean("Whether the agent had read it when it was looked up."),
    ], optional: ["recipient", "thread_id", "reply_to", "edited_at", "read"], description: "A message.")

    static let recipientState = JSONSchema.record([
        "address": JSONSchema.string("The recipient's full address."),
        "display": JSONSchema.string("The recipient in its shortest unambiguous form here."),
        "state": JSONSchema.string("sent, delivered, read or acknowledged."),
        "delivered_at": JSONSchema.string("When this daemon saw the recipient's daemon hold the message (its own observation)."),
        "read_at": JSONSchema.string("When it first read the message."),
        "acknowledged_at": JSONSchema.string("When it acknowledged the message."),
        "note": JSONSchema.string("Its acknowledgement's note."),
    ], optional: ["delivered_at", "read_at", "acknowledged_at", "note"], description: "One recipient's state.")

    static let messageStatus = JSONSchema.record([
        "message_id": JSONSchema.string("The message's ID (msg_…)."),
        "from": JSONSchema.string("The sender's full address."),
        "to": JSONSchema.string("Whom it was sent to, as written."),
        "text": JSONSchema.string("The message text."),
        "sent_at": JSONSchema.string("When it was sent."),
        "ack_required": JSONSchema.boolean("Whether the sender asked for acknowledgements."),
        "ack_due": JSONSchema.string("When every recipient should have acknowledged it."),
        "pending": JSONSchema.boolean("Some recipient has not yet acknowledged it (or read it, when no acknowledgement was asked)."),
        "overdue": JSONSchema.boolean("Pending past ack_due."),
        "recipients": JSONSchema.array("Each recipient with its state.", of: recipientState),
        "ignored_receipts": JSONSchema.array("Receipts from agents that are not recipients: they change nothing.", of: ignoredReceipt),
    ], optional: ["ack_due"], description: "A message with each recipient's state.")

    static let ignoredReceipt = JSONSchema.record([
        "agent": JSONSchema.string("The agent's full address."),
        "display": JSONSchema.string("The agent in its shortest unambiguous form here."),
        "at": JSONSchema.string("Its first receipt's timestamp."),
    ], description: "A receipt from an agent that is not a recipient of the message.")

    static let agent = JSONSchema.record([
        "address": JSONSchema.string("Its full address, NAME@d_…: an agent is its name and its daemon."),
        "display": JSONSchema.string("The shortest form that names only it here: NAME, NAME@HOST or the address."),
        "name": JSONSchema.string("The agent's name."),
        "role": JSONSchema.string("Its role, when it registered with one."),
        "host": JSONSchema.string("The hostname this daemon verified for its daemon."),
        "origin_daemon": JSONSchema.string("The daemon that registered it, the only one that can act as it."),
        "registered_at": JSONSchema.string("When it was registered (RFC 3339, UTC)."),
        "deregistered": JSONSchema.boolean("Whether it was deregistered."),
    ], optional: ["role", "host"], description: "An agent.")

    static let peer = JSONSchema.record([
        "daemon_id": JSONSchema.string("The peer daemon's ID."),
        "hostname": JSONSchema.string("Its Tailscale hostname."),
        "address": JSONSchema.string("The address it is synced with."),
        "last_sync": JSONSchema.string("When it was last synced with."),
        "status": JSONSchema.string("Its sync state."),
        "failures": JSONSchema.integer("Failed sync attempts in a row."),
        "retry_at": JSONSchema.string("When the next attempt is due, while backing off."),
        "retry_in_ms": JSONSchema.integer("Milliseconds until the next attempt, while backing off."),
    ], optional: ["last_sync", "failures", "retry_at", "retry_in_ms"], description: "A sync peer.")

    static let tailscaleSync = JSONSchema.record([
        "enabled": JSONSchema.boolean("Whether Tailscale sync is on."),
        "hostname": JSONSchema.string("This daemon's Tailscale hostname."),
        "peer_count": JSONSchema.integer("How many peers it has."),
        "peers": JSONSchema.array("The peers.", of: peer),
        "last_sync": JSONSchema.string("When any peer was last synced with."),
        "listening": JSONSchema.string("Where it listens for peers."),
        "registry_problem": JSONSchema.string("Why the peer registry could not be read."),
    ], optional: ["last_sync", "listening", "registry_problem"], description: "The daemon's Tailscale sync.")

    static let fork = JSONSchema.record([
        "origin": JSONSchema.string("The daemon whose history forked."),
        "sequence": JSONSchema.integer("The fork point: its events from this sequence on count nowhere."),
        "detected_at": JSONSchema.string("When this daemon learnt of it."),
        "from_daemon": JSONSchema.string("The peer whose event or proof showed it."),
        "own_history": JSONSchema.boolean("True when it is this daemon's own history: it writes nothing more."),
    ], optional: ["from_daemon"], description: "A proven fork.")

    static let ownHistory = JSONSchema.record([
        "state": JSONSchema.string("known; learning (writes wait while the daemon takes its history back from its peers); unknown (writes fail)."),
        "detail": JSONSchema.string("Why, when not known."),
    ], optional: ["detail"], description: "Whether the daemon knows how far its own history goes.")

    static let status = JSONSchema.record([
        "daemon_id": JSONSchema.string("The daemon's ID."),
        "version": JSONSchema.string("Its thrum version."),
        "hostname": JSONSchema.string("The machine it runs on."),
        "uptime_seconds": JSONSchema.integer("How long it has been running."),
        "state_dir": JSONSchema.string("Its state directory."),
        "socket": JSONSchema.string("Its control socket."),
        "event_count": JSONSchema.integer("Events in its log."),
        "latest_seq": JSONSchema.integer("The sequence number of its newest event."),
        "agent_count": JSONSchema.integer("Agents registered."),
        "store_problem": JSONSchema.string("What is wrong with its store, when something is."),
        "log_bytes": JSONSchema.integer("The log's size on disk in bytes."),
        "oldest_event": JSONSchema.string("The timestamp of the oldest event in the log."),
        "retention_seconds": JSONSchema.integer("How long messages and sessions are kept (THRUM_RETENTION)."),
        "tailscale_sync": tailscaleSync,
        "forks": JSONSchema.array("Daemons whose history is proven forked.", of: fork),
        "own_history": ownHistory,
        "claims": JSONSchema.record([
            "live": JSONSchema.integer("Live claims of every project."),
            "held": JSONSchema.integer("Of them, held."),
            "contested": JSONSchema.integer("Of them, contested."),
            "expiring": JSONSchema.integer("Of them, expiring within 10 minutes."),
        ], description: "Live claims this daemon holds."),
    ], optional: ["store_problem", "log_bytes", "oldest_event", "retention_seconds", "forks", "own_history", "claims"])
}

extension OutputSchemas {
    static let claimHolder = JSONSchema.record([
        "claim_id": JSONSchema.string("The claim (clm_…)."),
        "agent": JSONSchema.string("The holder's full address."),
        "display": JSONSchema.string("The holder in its shortest unambiguous form here."),
        "host": JSONSchema.string("The host its daemon runs on, when known."),
        "expires_at": JSONSchema.string("When the claim expires unless renewed."),
        "state": JSONSchema.string("held or contested."),
    ], optional: ["host"], description: "Another agent's claim.")

    static let claim = JSONSchema.record([
        "claim_id": JSONSchema.string("The claim (clm_…-d_…)."),
        "agent": JSONSchema.string("The claiming agent's full address."),
        "display": JSONSchema.string("The agent in its shortest unambiguous form here."),
        "host": JSONSchema.string("The host its daemon runs on, when known."),
        "project": JSONSchema.string("The project the patterns are in."),
        "patterns": JSONSchema.array("The paths, globs or task:NAME keys claimed.", of: JSONSchema.string("A pattern.")),
        "shared": JSONSchema.boolean("Whether other shared claims may overlap it."),
        "note": JSONSchema.string("The claimer's note."),
        "state": JSONSchema.string("held, contested, overruled, released or expired."),
        "created_at": JSONSchema.string("When it was made."),
        "expires_at": JSONSchema.string("When it expires unless renewed."),
        "renewed_at": JSONSchema.string("When it was last renewed."),
        "released_at": JSONSchema.string("When it was released."),
        "contested_with": JSONSchema.array("The other agents' live claims that contest it.", of: claimHolder),
        "overruled_by": JSONSchema.string("The claim its daemon had seen when it was written (state overruled)."),
        "confirmed": JSONSchema.boolean("This daemon's observation, for its own held claims: every recently synced peer holds it."),
        "confirmation": JSONSchema.string("What confirmed rests on, in words."),
    ], optional: ["host", "note", "renewed_at", "released_at", "overruled_by", "confirmed", "confirmation"],
       description: "A claim and its state.")
}
