internal import CZlib

/// Raw DEFLATE (RFC 1951, no zlib header) as the HTTP-Redirect binding uses it.
enum RawDeflate {
    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard cz_deflate_init_raw(&stream, 9) == Z_OK else { throw SAMLError.signingFailed("deflateInit failed") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 16)
        let status: Int32 = input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw SAMLError.signingFailed("deflate failed (\(status))") }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    /// Inflates with a hard output cap: a DEFLATE bomb stops at `limit` bytes with ``SAMLError/inflatedTooLarge(limit:)``.
    static func decompress(_ input: [UInt8], limit: Int) throws -> [UInt8] {
        guard !input.isEmpty else { throw SAMLError.emptyInput }
        var stream = z_stream()
        guard cz_inflate_init_raw(&stream) == Z_OK else { throw SAMLError.inflateFailed }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        return try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            while true {
                let (status, produced): (Int32, Int) = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, outBuf.count - Int(stream.avail_out))
                }
                if output.count + produced > limit { throw SAMLError.inflatedTooLarge(limit: limit) }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    // Trailing bytes after the final block are not part of a valid message.
                    guard stream.avail_in == 0 else { throw SAMLError.inflateFailed }
                    return output
                case Z_OK:
                    if produced == 0 && stream.avail_in == 0 { throw SAMLError.inflateFailed }  // truncated
                    continue
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 { throw SAMLError.inflateFailed }
                    continue
                default:
                    throw SAMLError.inflateFailed
                }
            }
        }
    }
}
