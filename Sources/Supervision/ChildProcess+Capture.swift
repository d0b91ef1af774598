package import Foundation
import Glibc

extension ChildProcess {
    /// What a helper command printed on its standard output, and how it ended.
    package struct Captured: Sendable {
        package var termination: Termination
        package var output: Data
    }

    /// Runs `executable` with `arguments` to its end, in a process group of its own: its stdout read into memory,
    /// its stderr discarded, stdin inherited.
    package static func capture(
        executable: String, arguments: [String], environment: [String: String]
    ) throws(IsolationError) -> Captured {
        // Made on the spawning thread, so that no child starts while the ends can still be inherited.
        let made = Spawner.run { () -> Result<[Int32], IsolationError> in
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { return .failure(.spawn(executable: "pipe", errno: errno)) }
            for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return .success(ends)
        }
        let ends = try made.get()
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        guard null >= 0 else {
            let code = errno
            close(ends[0])
            close(ends[1])
            throw .spawn(executable: "/dev/null", errno: code)
        }
        let child: ChildProcess
        do throws(IsolationError) {
            defer {
                close(ends[1])
                close(null)
            }
            child = try ChildProcess(
                executable: executable, arguments: arguments, environment: environment, logPath: nil,
                stdoutFD: ends[1], stderrFD: null, newProcessGroup: true)
        } catch {
            close(ends[0])
            throw error
        }
        let output = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true).readDataToEndOfFile()
        return Captured(termination: child.wait(), output: output)
    }
}
