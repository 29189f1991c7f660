#if FUZZING
import CFuzzerDriver
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The `main` every fuzz target shares. Built with `-sanitize=fuzzer
/// -DFUZZING` (make fuzz), a target's main hands its function to libFuzzer;
/// built normally, it replays the files named on its command line (a corpus,
/// or a crash libFuzzer found) through the same function, so `swift build`
/// keeps the targets compiling and a crash can be reproduced without the fuzzer.
public enum FuzzMain {
    nonisolated(unsafe) static var target: ([UInt8]) -> Void = { _ in }

    /// A target's main: libFuzzer on `target` with the process's arguments
    /// when built for fuzzing, else a replay of the files they name.
    public static func run(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                           _ target: @escaping ([UInt8]) -> Void) -> CInt {
        #if FUZZING
        Self.target = target
        var count = argc
        var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { data, size in testOneInput(data, size) }
        #else
        replay(target)
        #endif
    }

    /// Runs `target` on every file named in the arguments.
    static func replay(_ target: ([UInt8]) -> Void) -> Never {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let input = read(path) else {
                print("cannot read \(path)")
                exit(1)
            }
            target(input)
            count += 1
        }
        print("replayed \(count) inputs")
        exit(0)
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}

/// libFuzzer's usual entry, for a link that pulls in its own main.
@_cdecl("LLVMFuzzerTestOneInput") public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzMain.target(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
