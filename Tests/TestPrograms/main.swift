import Foundation

// Programs the end-to-end tests run, one a subcommand; scripts/test.sh builds them beside `leakharness`:
//
//     leakharness-test-programs grow [--mb-per-s MB] [--seconds S] [--free]

/// Says what went wrong and how the programs are called, and exits 2.
func usage(_ problem: String) -> Never {
    FileHandle.standardError.write(
        Data(
            "leakharness-test-programs: \(problem)\nusage: grow [--mb-per-s 0-1000] [--seconds 0-3600] [--free]\n".utf8)
    )
    exit(2)
}

var arguments = CommandLine.arguments.dropFirst()
guard arguments.popFirst() == "grow" else { usage("no such program") }
var mbPerSecond = 20.0
var seconds = 3.0
var free = false
while let flag = arguments.popFirst() {
    switch flag {
    case "--free": free = true
    case "--mb-per-s", "--seconds":
        guard let value = arguments.popFirst().flatMap(Double.init) else { usage("\(flag) takes a number") }
        if flag == "--seconds" { seconds = value } else { mbPerSecond = value }
    default: usage("unknown flag \(flag)")
    }
}
guard mbPerSecond > 0, mbPerSecond <= 1000, seconds > 0, seconds <= 3600 else {
    usage("--mb-per-s 0-1000 and --seconds 0-3600")
}
GrowFixture.run(mbPerSecond: mbPerSecond, seconds: seconds, free: free)
