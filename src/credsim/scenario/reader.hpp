// Scenario reading machinery: a parsed TOML document with --set overrides, and a checked reader
// that records every key consumed (so unknown keys are errors) and every value used (the manifest).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <toml++/toml.h>

#include "credsim/core/error.hpp"

namespace credsim::scenario {

// A parsed scenario and the overrides applied to it. Move-only: toml++ drops source positions
// when nodes are copied, and every error message needs them. The table lives on the heap so
// Readers stay valid when the Document is moved.
class Document {
 public:
  // Missing/unreadable file or TOML syntax error -> InputError (file, line, column, description).
  static Document parse_file(const std::string& path);
  static Document parse_string(std::string_view text, std::string source_name);

  Document(Document&&) noexcept = default;
  Document& operator=(Document&&) noexcept = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // Applies one `--set key.path=value` (index: 1-based position among the --set options, used in
  // messages as "--set #INDEX 'ASSIGNMENT'"). The value is TOML (10, 0.5, true, "s", [1, 2],
  // {a = 1}); a bare word such as erdos_renyi is taken as a string. Missing tables on the path are
  // created; an existing value is replaced whatever its type (Reader checks types). Nodes inserted
  // remember the --set as their source. Apply all overrides before creating Readers.
  void apply_override(std::string_view assignment, int index);

  const toml::table& table() const { return *root_; }
  const std::string& source_name() const { return source_name_; }
  // Source names of the applied overrides, in the order applied.
  const std::vector<std::string>& override_sources() const { return override_sources_; }

 private:
  Document(std::unique_ptr<toml::table> root, std::string source_name);

  std::unique_ptr<toml::table> root_;
  std::string source_name_;
  std::vector<std::string> override_sources_;
};

// A view of one table of a Document. Readers made by section() share one record of what was
// consumed and resolved with the Reader they came from. The Document must outlive its Readers.
//
// finish() is recursive: it checks this table and every sub-table below it. A sub-table counts
// as known only if section() was called for it, and then its own keys are checked in turn; a
// sub-table never opened is reported as one unknown key. So a scenario may call finish() once on
// the root after reading everything, or on each section as it goes (both are correct; checking
// twice is harmless).
class Reader {
 public:
  explicit Reader(const Document& doc);

  // Missing section -> an empty Reader (every key takes its default); present but not a table
  // -> InputError. Marks the section as known for finish().
  Reader section(std::string_view key) const;
  bool has(std::string_view key) const;
  // Names of sub-tables (for sections such as [systems.*] whose names the user chooses), in file
  // order, then those created by --set in the order of the --set options.
  std::vector<std::string> table_keys() const;
  // Names of the keys holding plain values (not tables), in the same order; for tables whose
  // keys the user chooses (e.g. a points catalog: event = delta). Reading them consumes them.
  std::vector<std::string> value_keys() const;

  // Each getter marks the key consumed and records the value used (given or default) in the
  // resolved table. Errors name the full dotted key and the position of the offending value.
  double get_double(std::string_view key, double default_value, double lo, double hi) const;
  std::int64_t get_int(std::string_view key, std::int64_t default_value, std::int64_t lo,
                       std::int64_t hi) const;
  bool get_bool(std::string_view key, bool default_value) const;
  std::string get_string(std::string_view key, std::string default_value) const;
  std::string get_choice(std::string_view key, std::string default_value,
                         const std::vector<std::string>& choices) const;
  std::vector<double> get_double_array(std::string_view key, std::vector<double> default_value,
                                       double lo, double hi, std::size_t min_len,
                                       std::size_t max_len) const;
  std::vector<std::string> get_string_array(std::string_view key,
                                            std::vector<std::string> default_value,
                                            std::size_t min_len, std::size_t max_len) const;

  // As above, but a missing key is an InputError ("missing required key").
  double require_double(std::string_view key, double lo, double hi) const;
  std::int64_t require_int(std::string_view key, std::int64_t lo, std::int64_t hi) const;
  bool require_bool(std::string_view key) const;
  std::string require_string(std::string_view key) const;
  std::string require_choice(std::string_view key, const std::vector<std::string>& choices) const;
  std::vector<double> require_double_array(std::string_view key, double lo, double hi,
                                           std::size_t min_len, std::size_t max_len) const;

  // Any key present but never consumed (in this table or below) -> InputError "unknown key", at
  // the key's own position, with a did-you-mean and the list of valid keys.
  void finish() const;

  // For checks the reader cannot make itself (weights must sum to 1, ...): an InputError located
  // at `key` (its value if present, else this section), with the full dotted path.
  InputError error(std::string_view key, std::string problem, std::string expected,
                   std::string fix) const;
  // Full dotted path of a key in this section, e.g. "systems.sesame.weights".
  std::string path_of(std::string_view key) const;
  // Where a key's value is (or this section, if the key is absent).
  SourcePos pos_of(std::string_view key) const;

  // Every value read so far through this Reader family, defaults included, as a table for the
  // whole document (not only this section).
  toml::table resolved() const;

 private:
  using Path = std::vector<std::string>;
  struct State;

  Reader(std::shared_ptr<State> state, const toml::table* table, Path path);
  const toml::node* find(std::string_view key) const;
  std::vector<std::string> keys_where(bool tables) const;
  void consume(std::string_view key, toml::node&& resolved_value) const;
  void note_expected(std::string_view key) const;
  Path child(std::string_view key) const;
  void finish_table(const toml::table& table, const Path& path) const;
  SourcePos node_pos(const toml::node& node) const;
  SourcePos region_pos(const toml::source_region& region) const;
  std::optional<double> read_double(std::string_view key, double lo, double hi) const;
  std::optional<std::int64_t> read_int(std::string_view key, std::int64_t lo,
                                       std::int64_t hi) const;
  std::optional<bool> read_bool(std::string_view key) const;
  std::optional<std::string> read_string(std::string_view key) const;
  std::optional<std::string> read_choice(std::string_view key,
                                         const std::vector<std::string>& choices) const;
  std::optional<std::vector<double>> read_double_array(std::string_view key, double lo, double hi,
                                                       std::size_t min_len,
                                                       std::size_t max_len) const;
  [[noreturn]] void missing(std::string_view key, const std::string& expected) const;

  std::shared_ptr<State> state_;
  const toml::table* table_;  // null when the section is absent
  Path path_;
};

// The resolved table as JSON for the manifest. Floats stay doubles (nlohmann prints the
// shortest form that round-trips), integers stay int64, dates and times become strings.
nlohmann::json to_json(const toml::table& table);

// Levenshtein distance, for did-you-mean suggestions (exposed for tests and other loaders).
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` within edit distance 2 (case-insensitive match wins), or "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace credsim::scenario
