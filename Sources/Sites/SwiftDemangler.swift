import Foundation

/// Demangles Swift symbol names with the runtime's own `swift_demangle`, looked up with `dlsym`.
public enum SwiftDemangler {
    private typealias DemangleFunction =
        @convention(c) (
            UnsafePointer<CChar>?, Int, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int>?, UInt32
        ) -> UnsafeMutablePointer<CChar>?

    private static let function: DemangleFunction? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "swift_demangle") else { return nil }
        return unsafeBitCast(symbol, to: DemangleFunction.self)
    }()

    /// The demangled form of `name`, or `name` itself when it is not a Swift symbol.
    public static func demangle(_ name: String) -> String {
        guard let function, isSwiftSymbol(name) else { return name }
        let result = name.withCString { pointer in function(pointer, strlen(pointer), nil, nil, 0) }
        guard let result else { return name }
        defer { free(result) }
        return String(cString: result)
    }

    /// Whether `name` is a mangled Swift symbol (`$s…`).
    public static func isSwiftSymbol(_ name: String) -> Bool {
        name.hasPrefix("$s") || name.hasPrefix("_$s") || name.hasPrefix("$S") || name.hasPrefix("_T0")
    }

    /// The module a mangled Swift symbol is declared in when it names one plainly (`$s15FeaturePipeline…`), else nil.
    ///
    /// Standard-library entities (`$sS…`, `$ss…`) and specializations of them have no plain module prefix and give nil.
    public static func module(of name: String) -> String? {
        var rest = Substring(name)
        if rest.hasPrefix("_") { rest = rest.dropFirst() }
        guard rest.hasPrefix("$s") else { return nil }
        rest = rest.dropFirst(2)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let length = Int(digits), length > 0 else { return nil }
        let module = rest.dropFirst(digits.count).prefix(length)
        return module.count == length ? String(module) : nil
    }
}
