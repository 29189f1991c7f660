import NIOHTTP1

/// What the metrics listener answers to each request: `GET /metrics` and `GET /healthz`;
/// 405 for another method on those paths, 404 for any other path.
struct MetricsResponse {
    var status: HTTPResponseStatus
    var contentType = "text/plain; charset=utf-8"
    var body: [UInt8]
    /// Set on 405: the methods the path allows.
    var allow: String?

    static let prometheusTextFormat = "text/plain; version=0.0.4; charset=utf-8"

    /// `render` is called only for `GET /metrics`.
    static func answer(_ method: HTTPMethod, _ uri: String, render: () -> [UInt8]) -> MetricsResponse {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        guard path == "/metrics" || path == "/healthz" else {
            return MetricsResponse(status: .notFound, body: Array("not found: this listener serves GET /metrics and GET /healthz\n".utf8))
        }
        guard method == .GET else {
            return MetricsResponse(status: .methodNotAllowed, body: Array("method not allowed: use GET\n".utf8), allow: "GET")
        }
        if path == "/healthz" { return MetricsResponse(status: .ok, body: Array("ok\n".utf8)) }
        return MetricsResponse(status: .ok, contentType: prometheusTextFormat, body: render())
    }
}
