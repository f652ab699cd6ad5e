import Hummingbird

/// Counts HTTP requests for `/metrics`.
struct CountingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: DaemonMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        metrics.request()
        return try await next(request, context)
    }
}
