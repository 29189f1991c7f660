import CoreMetrics
import Prometheus

/// swift-metrics' bridge to one Prometheus registry, as swift-prometheus'
/// `PrometheusMetricsFactory` is, but registering each metric with its `# HELP`
/// text (that factory registers every metric without one) and with the
/// histogram buckets it needs.
struct DescribedPrometheusFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    /// HELP text by metric name; a name not in it gets no HELP line.
    let help: [String: String]
    /// Buckets of the `Timer`s that the default buckets (5 ms to 10 s) do not fit.
    let durationBuckets: [String: [Duration]]
    /// Unregistering and the default buckets are swift-prometheus' own.
    private let base: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry, help: [String: String], durationBuckets: [String: [Duration]] = [:]) {
        self.registry = registry
        self.help = help
        self.durationBuckets = durationBuckets
        base = PrometheusMetricsFactory(registry: registry)
    }

    private func describe(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: help[label] ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: describe(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: describe(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: describe(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: describe(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: describe(label), labels: dimensions,
                                           buckets: base.valueHistogramBuckets[label] ?? base.defaultValueHistogramBuckets)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: describe(label), labels: dimensions,
                                       buckets: durationBuckets[label] ?? base.defaultDurationHistogramBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { base.destroyFloatingPointCounter(handler) }
    func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}
