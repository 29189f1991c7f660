import Prometheus
@testable import ThrumSync

/// A fresh Prometheus registry for one test, and the sample values it renders, so tests
/// running side by side never share counts.
struct ScrapedMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    var sync: SyncMetrics { SyncMetrics(factory: PrometheusMetricsFactory(registry: registry)) }

    /// The sample `name{labels}` as rendered now (labels in the order the code gives them),
    /// or nil when there is none.
    func value(_ name: String, _ labels: KeyValuePairs<String, String> = [:]) -> Double? {
        let key = labels.isEmpty ? name : name + "{" + labels.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
        for line in registry.emitToString().split(separator: "\n") where line.hasPrefix(key + " ") {
            return Double(line.dropFirst(key.count + 1))
        }
        return nil
    }
}
