import CLibPNG
import Foundation

/// RGB images to and from PNG through libpng's simplified API, which handles libpng's errors
/// inside the library (no longjmp through Swift) and reports them as a message.
public enum PNGCodec {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(_ image: RGBImage) throws(Failure) -> [UInt8] {
        var control = png_image()
        control.version = png_uint_32(PNG_IMAGE_VERSION)
        control.width = png_uint_32(image.width)
        control.height = png_uint_32(image.height)
        control.format = png_uint_32(PNG_FORMAT_RGB)
        let stride = png_int_32(image.width * 3)
        var size: png_alloc_size_t = 0
        // First pass: the size; second: the bytes.
        let sized = image.pixels.withUnsafeBytes { px in
            png_image_write_to_memory(&control, nil, &size, 0, px.baseAddress, stride, nil)
        }
        guard sized != 0, size > 0 else { throw Failure(description: "PNG encode: \(message(&control))") }
        var out = [UInt8](repeating: 0, count: Int(size))
        let written = out.withUnsafeMutableBytes { dst in
            image.pixels.withUnsafeBytes { px in
                png_image_write_to_memory(&control, dst.baseAddress, &size, 0, px.baseAddress, stride, nil)
            }
        }
        guard written != 0 else { throw Failure(description: "PNG encode: \(message(&control))") }
        out.removeLast(out.count - Int(size))
        return out
    }

    /// Decodes any PNG libpng reads, converted to 8-bit RGB.
    public static func decode(_ bytes: [UInt8]) throws(Failure) -> RGBImage {
        guard !bytes.isEmpty else { throw Failure(description: "PNG decode: no bytes") }
        var control = png_image()
        control.version = png_uint_32(PNG_IMAGE_VERSION)
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&control, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw Failure(description: "PNG decode: \(message(&control))") }
        control.format = png_uint_32(PNG_FORMAT_RGB)
        let width = Int(control.width), height = Int(control.height)
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15 else {
            png_image_free(&control)
            throw Failure(description: "PNG decode: unreasonable size \(width)x\(height)")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let done = pixels.withUnsafeMutableBytes {
            png_image_finish_read(&control, nil, $0.baseAddress, png_int_32(width * 3), nil)
        }
        guard done != 0, let image = RGBImage(width: width, height: height, pixels: pixels) else {
            throw Failure(description: "PNG decode: \(message(&control))")
        }
        return image
    }

    public static func write(_ image: RGBImage, to path: String) throws {
        try Data(encode(image)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    private static func message(_ control: inout png_image) -> String {
        withUnsafeBytes(of: &control.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? "libpng failed" : String(decoding: bytes, as: UTF8.self)
        }
    }
}
