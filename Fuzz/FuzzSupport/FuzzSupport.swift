import Foundation
import FuzzDriver

/// Stops the run with `message`: libFuzzer keeps the input that led here as a crash file.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// The input libFuzzer passes, as bytes.
public func input(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: count))
}

/// Hands the process to libFuzzer's driver, which reads its options and corpus folders from the
/// command line and calls `test` with each input (a C function: the bytes and their count, 0 to
/// go on). It exits by itself, with a crash file, when an input traps.
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var count = CommandLine.argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&count, &arguments, test))
}
