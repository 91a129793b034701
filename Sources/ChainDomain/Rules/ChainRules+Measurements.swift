import LedgerCore

// The rules of measurements: each reporting organisation records its own figures, and corrects them with a
// reason.

extension Check {
    /// `MeasurementRecorded` and `MeasurementCorrected` (`correction`): an organisation records its own figures
    /// for a KPI it reports, in the KPI's grain and unit, once; a correction names the value it replaces and why.
    func validateMeasurement(_ measurement: Measurement, correction: Bool) throws(LedgerError) {
        guard measurement.organisation == signer else {
            throw refuse("an organisation records only its own figures, not those of \(measurement.organisation)")
        }
        let kpi = try existingKpi(measurement.kpi)
        guard kpi.reporters.contains(signer) else {
            throw refuse("only the reporting organisations of KPI \(measurement.kpi) (\(kpi.reporters.joined(separator: ", "))) record it")
        }
        try requireGrain(measurement.period, of: kpi)
        if let unit = measurement.unit, unit != kpi.definition.unit {
            throw rule("units match", "KPI \(measurement.kpi) is measured in \(kpi.definition.unit), not \(unit)")
        }
        if let note = measurement.note, note.count > DomainIdentifiers.noteLimit {
            throw .invalidEvent(index: index, reason: "notes hold at most \(DomainIdentifiers.noteLimit) characters (keep personal data out)")
        }
        if correction {
            guard let previous = event.previous else {
                throw rule(
                    "corrections supersede a measurement",
                    "there is no measurement of \(measurement.kpi) for \(measurement.period) by \(signer) to correct")
            }
            guard measurement.supersedes == previous else {
                throw rule(
                    "corrections supersede the latest value",
                    "the latest value of \(measurement.kpi) for \(measurement.period) by \(signer) is at position \(previous), not \(measurement.supersedes ?? 0)"
                )
            }
            try requireText("reason", measurement.reason ?? "", limit: 500)
        } else {
            guard event.version == 1 else {
                throw rule(
                    "one value per KPI, period and organisation",
                    "\(measurement.kpi) for \(measurement.period) by \(signer) is already recorded; send a correction that names position \(event.previous ?? 0) and gives a reason"
                )
            }
        }
    }
}
