#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a line to standard error (diagnostics never mix with frames on stdout).
func printError(_ message: String) {
    var line = Array((message + "\n").utf8)
    var done = 0
    while done < line.count {
        let n = line.withUnsafeMutableBytes { write(2, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { return }
        done += n
    }
    line.removeAll()
}
