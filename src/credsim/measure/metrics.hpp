// The metrics written to metrics.csv each measured tick (definitions: docs/MODEL.md §Metrics).
#pragma once
#include "credsim/graph/csr.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/record/ledger.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/society/society.hpp"
#include "credsim/systems/composite.hpp"

namespace credsim {

inline constexpr std::array<double, 7> kReportedQuantiles{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

// system "society": population, wealth distribution and inequality, graph size.
void measure_society(Tick tick, const Society& s, const graph::Csr& g, io::MetricsCsv& out);
// system "data": what the record-keepers hold, its errors and their correction (SPEC §1.6, §4).
void measure_ledger(Tick tick, const Ledger& ledger, const Society& s, io::MetricsCsv& out);
// system = the composite system's name: score distribution, bands, Gini, privileges by wealth decile.
// wealth_decile: each person's current-wealth decile (computed here when null).
void measure_composite(Tick tick, const Composite& c, const Society& s, const MeasureSpec& m, io::MetricsCsv& out,
                       const std::vector<std::uint8_t>* wealth_decile = nullptr);

}  // namespace credsim
