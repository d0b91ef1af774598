import Foundation
import Testing
@testable import Supervision

/// Work folders: unpredictable names, an owner's pid inside, removal that never follows a link, and a clean-up of
/// stale folders that touches nothing but work folders of dead owners.
struct WorkFolderTests {
    /// A fresh root for one test (removed with everything in it at the end).
    private func withRoot(_ body: (String) throws -> Void) throws {
        let root = try TemporaryFolder.make(prefix: "leakharness-workfolder-test-")
        defer { TemporaryFolder.remove(root) }
        try body(root)
    }

    /// The pid of a process that has ended and been reaped.
    private func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func createMakesAPrivateFolderWithAnUnpredictableNameAndTheOwnersPid() throws {
        try withRoot { root in
            let a = try WorkFolder.create(owner: 4242, root: root)
            let b = try WorkFolder.create(owner: 4242, root: root)
            #expect(a.path != b.path)
            for folder in [a, b] {
                let name = (folder.path as NSString).lastPathComponent
                #expect(name.hasPrefix(WorkFolder.prefix) && name.count == WorkFolder.prefix.count + 6, "\(name)")
                var info = stat()
                #expect(lstat(folder.path, &info) == 0)
                #expect(info.st_mode & 0o777 == 0o700)
                #expect(WorkFolder.owner(of: folder.path) == 4242)
            }
            a.remove()
            #expect(!FileManager.default.fileExists(atPath: a.path))
            let left = try FileManager.default.contentsOfDirectory(atPath: root)
            #expect(left == [(b.path as NSString).lastPathComponent])
        }
    }

    @Test func removeDeletesALinkInsideButNotItsTarget() throws {
        try withRoot { root in
            let outside = "\(root)/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: false)
            try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(outside)/precious"))
            let folder = try WorkFolder.create(root: root)
            try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/link", withDestinationPath: outside)
            try Data("shard".utf8).write(to: URL(fileURLWithPath: "\(folder.path)/pass-1-shard-00001.tfrecord"))
            folder.remove()
            #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["outside"])
            #expect(try String(contentsOfFile: "\(outside)/precious", encoding: .utf8) == "keep")
        }
    }

    @Test func removeStaleDeletesOnlyWorkFoldersOfDeadOwners() throws {
        try withRoot { root in
            let fm = FileManager.default
            let dead = try deadPID()
            let stale = try WorkFolder.create(owner: dead, root: root)
            try Data(count: 1000).write(to: URL(fileURLWithPath: "\(stale.path)/pass-2-shard-00003.tfrecord"))
            let live = try WorkFolder.create(owner: getpid(), root: root)
            // A folder of the right name without a pid file is not known to be ours.
            let unowned = try TemporaryFolder.make(prefix: WorkFolder.prefix, root: root)
            // Another name, with a dead owner's pid file.
            let other = "\(root)/leakharness-other"
            try fm.createDirectory(atPath: other, withIntermediateDirectories: false)
            try Data("\(dead)\n".utf8).write(to: URL(fileURLWithPath: "\(other)/\(WorkFolder.ownerFile)"))
            // A link named like a work folder, to a folder that looks stale: neither the link nor its target goes.
            let target = "\(root)/target"
            try fm.createDirectory(atPath: target, withIntermediateDirectories: false)
            try Data("\(dead)\n".utf8).write(to: URL(fileURLWithPath: "\(target)/\(WorkFolder.ownerFile)"))
            try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(target)/precious"))
            let link = "\(root)/\(WorkFolder.prefix)linked"
            try fm.createSymbolicLink(atPath: link, withDestinationPath: target)

            let removed = WorkFolder.removeStale(root: root)

            #expect(removed == [stale.path])
            #expect(!fm.fileExists(atPath: stale.path))
            #expect(fm.fileExists(atPath: live.path))
            #expect(fm.fileExists(atPath: unowned))
            #expect(fm.fileExists(atPath: "\(other)/\(WorkFolder.ownerFile)"))
            #expect((try? fm.destinationOfSymbolicLink(atPath: link)) == target)
            #expect(try fm.contentsOfDirectory(atPath: target).sorted() == [WorkFolder.ownerFile, "precious"])
        }
    }

    @Test func anOwnerFileThatIsALinkNamesNoOwner() throws {
        try withRoot { root in
            let folder = try TemporaryFolder.make(prefix: WorkFolder.prefix, root: root)
            let elsewhere = "\(root)/elsewhere.pid"
            try Data("\(try deadPID())\n".utf8).write(to: URL(fileURLWithPath: elsewhere))
            try FileManager.default.createSymbolicLink(
                atPath: "\(folder)/\(WorkFolder.ownerFile)", withDestinationPath: elsewhere)
            #expect(WorkFolder.owner(of: folder) == nil)
            #expect(WorkFolder.removeStale(root: root).isEmpty)
            #expect(FileManager.default.fileExists(atPath: folder))
        }
    }

    @Test func aRootThatIsMissingIsNamedWithTheErrnoText() throws {
        try withRoot { root in
            let missing = "\(root)/missing"
            #expect {
                _ = try WorkFolder.create(root: missing)
            } throws: { error in
                "\(error)" == "\(missing)/\(WorkFolder.prefix)XXXXXX: mkdtemp: No such file or directory"
            }
        }
    }

}
