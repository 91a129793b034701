import ChainDomain
import LedgerCore

extension CalendarDate {
    /// Today (UTC) by this machine's clock: the day the commands that take one default to.
    static var today: CalendarDate { CalendarDate(dayOf: .now()) }
}
