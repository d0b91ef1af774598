public import ArgumentParser
public import Model
public import Reporting

// The library's enums read from the command line: only the CLI knows ArgumentParser.
extension Allocator: ExpressibleByArgument {}
extension ReportAudience: ExpressibleByArgument {}
