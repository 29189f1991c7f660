import ThrumCore
import ThrumStore
import ThrumTestSupport

extension TemporaryFolder {
    /// A fresh store `name`.db in this folder with `events` applied one batch each, in order, as
    /// pulled from one peer by a daemon whose own events are none of them.
    func store(_ name: String, pulling events: [Event]) throws -> EventStore {
        let store = try EventStore(path: file(name + ".db"))
        for (index, event) in events.enumerated() {
            _ = try store.applyBatch([event], quarantined: [], from: "d_peer", checkpoint: Int64(index + 1),
                                     localDaemon: "d_local")
        }
        return store
    }
}
