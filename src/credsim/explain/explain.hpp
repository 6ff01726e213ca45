// credsim explain: one traced person's account from a run's trace.jsonl (explain/trace.hpp),
// as JSON (the person's trace lines plus a per-system summary and the consequences with their
// start and end) or as plain text a journalist can read. Formats: docs/MODEL.md, "Explain".
#pragma once
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "credsim/core/types.hpp"

namespace credsim {

// The account of `person` in the run folder `run_dir`; `system` (non-empty) keeps only that
// system's score lines and summary. InputError (exit 2) when the folder has no trace, the
// person was not traced (the message lists the traced persons and how to trace another), or
// the system is unknown.
nlohmann::ordered_json explain_person(const std::filesystem::path& run_dir, std::uint64_t person,
                                      const std::string& system = {});

// The same account as plain text.
std::string explain_text(const nlohmann::ordered_json& account);

}  // namespace credsim
