import Foundation

/// xs:dateTime as SAML uses it (saml-core §1.3.3: UTC). Parsed strictly by hand: no locale, no lenient
/// calendar arithmetic (`2024-02-30` is an error, not March 1st).
enum XSDateTime {
    /// Parses `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`. A value without a time zone is rejected.
    static func parse(_ text: String) throws -> Date {
        guard let date = parseOrNil(text) else { throw SAMLError.invalidTime(text) }
        return date
    }

    static func parseOrNil(_ text: String) -> Date? {
        // Read in place from the string's UTF-8 (no Array copy: several timestamps are parsed per validation).
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    static func parse(utf8 all: UnsafeBufferPointer<UInt8>) -> Date? {
        // Trim XML whitespace.
        var end = all.count
        while end > 0, all[end - 1] == 0x20 || all[end - 1] == 0x0A || all[end - 1] == 0x0D || all[end - 1] == 0x09 { end -= 1 }
        let bytes = UnsafeBufferPointer(rebasing: all[0..<end])
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x0A || bytes[start] == 0x0D || bytes[start] == 0x09 { start += 1 }
        var i = start
        func digits(_ n: Int) -> Int? {
            guard i + n <= bytes.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = bytes[i + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), year >= 1, expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2),
              expect(0x54), let hour = digits(2), expect(0x3A), let minute = digits(2), expect(0x3A), let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 24, minute <= 59, second <= 59 else { return nil }
        if hour == 24 && (minute != 0 || second != 0) { return nil }
        var fraction = 0.0
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            var scale = 0.1
            var count = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if count < 9 { fraction += Double(bytes[i] - 0x30) * scale; scale /= 10 }
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
        }
        var offset = 0
        guard i < bytes.count else { return nil }  // a time zone is required
        if bytes[i] == 0x5A {
            i += 1
        } else if bytes[i] == 0x2B || bytes[i] == 0x2D {
            let sign = bytes[i] == 0x2D ? -1 : 1
            i += 1
            guard let oh = digits(2), expect(0x3A), let om = digits(2), oh <= 14, om <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// `2026-12-01T12:00:00Z` (milliseconds only when the instant has them).
    static func format(_ date: Date) -> String {
        let total = date.timeIntervalSince1970
        var seconds = Int(total.rounded(.down))
        let millis = Int(((total - Double(seconds)) * 1000).rounded())
        if millis == 1000 { seconds += 1 }
        var days = seconds / 86400
        var rem = seconds % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))"
        if millis > 0 && millis < 1000 { out += "." + pad(millis, 3) }
        return out + "Z"
    }

    private static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// xs:duration as metadata's cacheDuration uses it (`P1DT2H`, `PT6H`, `PT30M`); years and months count as
/// 365 and 30 days (metadata consumers only need an approximate refresh interval).
enum XSDuration {
    /// 100 years: the largest duration accepted.
    static let maxSeconds: TimeInterval = 100 * 365 * 86400

    static func parse(_ text: String) -> TimeInterval? {
        var s = Substring(XMLTree.trimmed(text))
        var sign = 1.0
        if s.hasPrefix("-") { sign = -1; s = s.dropFirst() }
        guard s.hasPrefix("P") else { return nil }
        s = s.dropFirst()
        var total = 0.0
        var inTime = false
        var number = ""
        var sawComponent = false
        for ch in s {
            if ch == "T" { guard !inTime else { return nil }; inTime = true; continue }
            if ch.isNumber || ch == "." { number.append(ch); continue }
            guard let value = Double(number) else { return nil }
            number = ""
            sawComponent = true
            switch (ch, inTime) {
            case ("Y", false): total += value * 365 * 86400
            case ("M", false): total += value * 30 * 86400
            case ("D", false): total += value * 86400
            case ("H", true): total += value * 3600
            case ("M", true): total += value * 60
            case ("S", true): total += value
            default: return nil
            }
        }
        // Beyond a century a refresh hint means nothing (and a huge one would not fit an integer of seconds).
        guard number.isEmpty, sawComponent, total.isFinite, total <= maxSeconds else { return nil }
        return sign * total
    }
}
