/// A recording submitted through the API, waiting to be decoded as a pass of kind `replay`.
public struct ReplayRequest: Sendable {
    public var record: PassRecord
    public var job: PassRunner.Job
}
