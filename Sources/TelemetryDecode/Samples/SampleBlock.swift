/// Whether a source delivers real samples (audio, one `Float` per sample) or complex I/Q samples.
public enum SampleKind: String, Sendable, Hashable {
    case real
    case complex
}

/// A block of samples as a source delivers it: real (audio) or complex (I/Q), scaled to about ±1.0.
///
/// Sources reuse the arrays behind these blocks: drop a block (or copy out of it) before asking the
/// source for the next one, and the next read fills the same storage without allocating.
public enum SampleBlock: Sendable {
    case real([Float])
    case complex([ComplexSample])

    @inlinable
    public var kind: SampleKind {
        switch self {
        case .real: .real
        case .complex: .complex
        }
    }

    /// Number of samples (complex samples count once).
    @inlinable
    public var count: Int {
        switch self {
        case .real(let r): r.count
        case .complex(let c): c.count
        }
    }

    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// The real samples, or nil for a complex block.
    @inlinable
    public var realSamples: [Float]? {
        if case .real(let r) = self { return r }
        return nil
    }

    /// The complex samples, or nil for a real block.
    @inlinable
    public var complexSamples: [ComplexSample]? {
        if case .complex(let c) = self { return c }
        return nil
    }
}
