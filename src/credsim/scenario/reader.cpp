// Scenario reading: parsing, --set overrides, typed checked getters, unknown-key detection and the
// resolved table. Every user-facing failure here is an InputError naming file, line, key and fix.
#include "credsim/scenario/reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

namespace credsim::scenario {
namespace {

bool is_bare_key(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// The --set convenience: an identifier-like word that is not TOML is meant as a string.
bool is_bare_word(std::string_view s) {
  if (s.empty()) return false;
  const char c0 = s[0];
  if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z') || c0 == '_')) return false;
  return is_bare_key(s);
}

std::string quote_key(std::string_view k) {
  if (is_bare_key(k)) return std::string(k);
  std::string q = "\"";
  for (char c : k) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

std::string join_path(const std::vector<std::string>& path) {
  std::string s;
  for (const auto& seg : path) {
    if (!s.empty()) s += '.';
    s += quote_key(seg);
  }
  return s;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// Shortest text that reads back as the same double, so messages show what the user wrote.
std::string format_double(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, res.ptr);
}

std::string number_range(double lo, double hi) {
  const double inf = std::numeric_limits<double>::infinity();
  if (lo == -inf && hi == inf) return "a finite number";
  if (hi == inf) return "a number >= " + format_double(lo);
  if (lo == -inf) return "a number <= " + format_double(hi);
  return "a number in [" + format_double(lo) + ", " + format_double(hi) + "]";
}

std::string int_range(std::int64_t lo, std::int64_t hi) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (lo == kMin && hi == kMax) return "an integer";
  if (hi == kMax) return "an integer >= " + std::to_string(lo);
  if (lo == kMin) return "an integer <= " + std::to_string(hi);
  return "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

std::string escape_string(std::string_view s, std::size_t max_len = 60) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == max_len) {
      out += "...";
      break;
    }
    const char c = s[i];
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// "string \"ten\"", "integer 3", "float 0.5", ... for "got ..." in messages.
std::string describe(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "string " + escape_string(*n.value<std::string>());
    case toml::node_type::integer:
      return "integer " + std::to_string(*n.value<std::int64_t>());
    case toml::node_type::floating_point: {
      // "4.0", not "4": the user wrote a float, and that is often the very mistake.
      std::string f = format_double(*n.value<double>());
      if (f.find_first_of(".eEn") == std::string::npos) f += ".0";
      return "float " + f;
    }
    case toml::node_type::boolean:
      return std::string("boolean ") + (*n.value<bool>() ? "true" : "false");
    case toml::node_type::array:
      return n.as_array()->is_array_of_tables() ? "an array of tables" : "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

std::string got(const toml::node& n) { return " (got " + describe(n) + ")"; }

std::string list_names(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    if (!s.empty()) s += ", ";
    s += n;
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string lw = lower(word);
  std::string best;
  std::size_t best_d = 3;  // only suggest within distance 2
  for (const auto& c : candidates) {
    if (c == word) continue;
    std::size_t d = lower(c) == lw ? 0 : edit_distance(word, c);
    // A distance as long as the word itself would "suggest" anything for short words.
    if (d >= std::max<std::size_t>(word.size(), 1) && d != 0) continue;
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Document

Document::Document(std::unique_ptr<toml::table> root, std::string source_name)
    : root_(std::move(root)), source_name_(std::move(source_name)) {}

Document Document::parse_string(std::string_view text, std::string source_name) {
  try {
    toml::table t = toml::parse(text, std::string(source_name));
    return Document(std::make_unique<toml::table>(std::move(t)), std::move(source_name));
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    SourcePos pos{source_name, src.begin.line, src.begin.column};
    throw InputError(pos, "", "TOML syntax error: " + std::string(e.description()),
                     "valid TOML (https://toml.io/en/v1.0.0)",
                     "correct the syntax at line " + std::to_string(src.begin.line) + ", column " +
                         std::to_string(src.begin.column) + " of " + source_name);
  }
}

Document Document::parse_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string cwd_hint =
      " (relative paths are taken from the current directory " + fs::current_path(ec).string() + ")";
  if (!fs::exists(path, ec)) {
    throw InputError(SourcePos{path, 0, 0}, "", "scenario file not found",
                     "a readable TOML scenario file",
                     "check the path" + cwd_hint + "; the presets are in scenarios/");
  }
  if (fs::is_directory(path, ec)) {
    throw InputError(SourcePos{path, 0, 0}, "", "is a directory, not a scenario file",
                     "a readable TOML scenario file", "name a .toml file inside it");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string reason = std::strerror(errno);
    throw InputError(SourcePos{path, 0, 0}, "", "cannot open scenario file: " + reason,
                     "a readable TOML scenario file",
                     "check the file's permissions" + cwd_hint);
  }
  // istream::read, not `ss << in.rdbuf()`: a read error (EIO) inside rdbuf() only sets failbit
  // on the output stream, the same as an empty file, so an unreadable file parsed as empty.
  std::string text;
  char chunk[1 << 14];
  errno = 0;
  while (in.read(chunk, sizeof chunk), in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    const std::string reason = errno ? std::string(": ") + std::strerror(errno) : std::string();
    throw InputError(SourcePos{path, 0, 0}, "", "error while reading scenario file" + reason,
                     "a readable TOML scenario file", "check the file and the disk");
  }
  return parse_string(text, path);
}

void Document::apply_override(std::string_view assignment, int index) {
  const std::string source =
      "--set #" + std::to_string(index) + " '" + std::string(assignment) + "'";
  const SourcePos pos{source, 0, 0};
  const std::string example = "key.path=value, e.g. --set graph.mean_degree=10";

  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    throw InputError(pos, "", "override has no '='", example,
                     "write it as --set key.path=value");
  }
  const std::string key_text(trim(assignment.substr(0, eq)));
  const std::string value_text(trim(assignment.substr(eq + 1)));
  if (key_text.empty()) {
    throw InputError(pos, "", "override has an empty key before '='", example,
                     "name the key to set, e.g. --set graph.nodes=1000");
  }
  std::vector<std::string> segments;
  for (std::size_t start = 0;;) {
    const auto dot = key_text.find('.', start);
    const std::string seg = key_text.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!is_bare_key(seg)) {
      throw InputError(pos, key_text,
                       seg.empty() ? "empty segment in key path"
                                   : "bad key segment '" + seg + "' in key path",
                       "a dotted path of keys made of letters, digits, '_' and '-', e.g. "
                       "systems.sesame.weights",
                       "write the key path as in the scenario file, without spaces or quotes");
    }
    segments.push_back(seg);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  const std::string value_expected =
      "a TOML value: a number (10, 0.5), true or false, a quoted string (\"text\"), an array "
      "([1, 2]) or an inline table ({a = 1}); a bare word like erdos_renyi is taken as a string";
  if (value_text.empty()) {
    throw InputError(pos, key_text, "override has no value after '='", value_expected,
                     "give a value, e.g. --set " + key_text + "=10");
  }
  if (value_text.find_first_of("\r\n") != std::string::npos) {
    // One line means the snippet below can hold only this one assignment.
    throw InputError(pos, key_text, "override value spans several lines", value_expected,
                     "put the value on one line");
  }

  // Parse "key.path = value" as TOML with the --set as source path: every node and key it makes,
  // the implicit tables along the path included, then names the --set in later errors.
  toml::table snippet;
  try {
    snippet = toml::parse(key_text + " = " + value_text, std::string(source));
  } catch (const toml::parse_error& e) {
    if (!is_bare_word(value_text)) {
      throw InputError(pos, key_text,
                       "value '" + value_text + "' is not valid TOML (" +
                           std::string(e.description()) + ")",
                       value_expected,
                       "write a valid TOML value; text other than a single word needs TOML "
                       "quotes inside shell quotes, e.g. --set '" + key_text + "=\"my text\"'");
    }
    snippet = toml::parse(key_text + " = \"" + value_text + "\"", std::string(source));
  }

  toml::table* doc = root_.get();
  toml::table* snip = &snippet;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    auto sit = snip->find(seg);
    CREDSIM_ASSERT(sit != snip->end());
    const bool last = i + 1 == segments.size();
    auto dit = doc->find(seg);
    if (dit == doc->end() || last) {
      // Missing here (the rest of the path comes from the snippet), or the leaf: replace whole.
      if (dit != doc->end()) doc->erase(dit);
      doc->insert(sit->first, std::move(sit->second));
      break;
    }
    toml::table* next = dit->second.as_table();
    if (next == nullptr) {
      const auto& r = dit->second.source();
      std::string where = r.path ? *r.path : source_name_;
      if (r.begin.line > 0) {
        where += ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
      }
      std::vector<std::string> prefix(segments.begin(), segments.begin() + i + 1);
      throw InputError(pos, key_text,
                       "'" + join_path(prefix) + "' is " + describe(dit->second) + " (at " +
                           where + "), not a table, so it has no key '" + segments[i + 1] + "'",
                       "a key path through tables only",
                       "set '" + join_path(prefix) + "' itself, or check the key path");
    }
    doc = next;
    snip = sit->second.as_table();
    CREDSIM_ASSERT(snip != nullptr);
  }
  override_sources_.push_back(source);
}

// ---------------------------------------------------------------------------------------------
// Reader

struct Reader::State {
  std::string doc_source;
  std::map<std::string, int> source_rank;  // --set source name -> its order
  std::set<Path> consumed;                 // keys read as values
  std::set<Path> opened;                   // tables opened with section()
  std::map<Path, std::vector<std::string>> expected;  // keys asked for, per table, in order
  toml::table resolved;
};

Reader::Reader(const Document& doc) : state_(std::make_shared<State>()), table_(&doc.table()) {
  state_->doc_source = doc.source_name();
  int rank = 1;
  for (const auto& s : doc.override_sources()) state_->source_rank.emplace(s, rank++);
  state_->opened.insert(Path{});
}

Reader::Reader(std::shared_ptr<State> state, const toml::table* table, Path path)
    : state_(std::move(state)), table_(table), path_(std::move(path)) {}

Reader::Path Reader::child(std::string_view key) const {
  Path p = path_;
  p.emplace_back(key);
  return p;
}

std::string Reader::path_of(std::string_view key) const { return join_path(child(key)); }

const toml::node* Reader::find(std::string_view key) const {
  return table_ == nullptr ? nullptr : table_->get(key);
}

SourcePos Reader::region_pos(const toml::source_region& r) const {
  if (!r.path || *r.path == state_->doc_source) {
    return SourcePos{state_->doc_source, r.begin.line, r.begin.column};
  }
  // From a --set: its line and column are within the one-line snippet, which would only confuse.
  return SourcePos{*r.path, 0, 0};
}

SourcePos Reader::node_pos(const toml::node& n) const { return region_pos(n.source()); }

SourcePos Reader::pos_of(std::string_view key) const {
  if (const toml::node* n = find(key)) return node_pos(*n);
  if (table_ != nullptr && !path_.empty()) return node_pos(*table_);
  return SourcePos{state_->doc_source, 0, 0};
}

InputError Reader::error(std::string_view key, std::string problem, std::string expected,
                         std::string fix) const {
  return InputError(pos_of(key), path_of(key), std::move(problem), std::move(expected),
                    std::move(fix));
}

void Reader::note_expected(std::string_view key) const {
  auto& keys = state_->expected[path_];
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.emplace_back(key);
}

void Reader::consume(std::string_view key, toml::node&& value) const {
  state_->consumed.insert(child(key));
  toml::table* t = &state_->resolved;
  for (const auto& seg : path_) {
    toml::table* next = t->get_as<toml::table>(seg);
    if (next == nullptr) next = t->insert_or_assign(seg, toml::table{}).first->second.as_table();
    t = next;
  }
  std::move(value).visit([&](auto&& v) { t->insert_or_assign(key, std::move(v)); });
}

Reader Reader::section(std::string_view key) const {
  note_expected(key);
  const toml::node* n = find(key);
  if (n != nullptr && !n->is_table()) {
    throw error(key, "wrong type", "a table" + got(*n),
                "write it as a section [" + path_of(key) + "] or an inline table " +
                    quote_key(key) + " = { ... }");
  }
  Path p = child(key);
  state_->opened.insert(p);
  // Make the section appear in the resolved table even if all its keys end up absent.
  toml::table* t = &state_->resolved;
  for (const auto& seg : p) {
    toml::table* next = t->get_as<toml::table>(seg);
    if (next == nullptr) next = t->insert_or_assign(seg, toml::table{}).first->second.as_table();
    t = next;
  }
  return Reader(state_, n == nullptr ? nullptr : n->as_table(), std::move(p));
}

bool Reader::has(std::string_view key) const { return find(key) != nullptr; }

namespace {
// File order first, then --set nodes in the order of the --set options.
using OrderKey = std::tuple<int, std::uint64_t, std::uint64_t>;
}  // namespace

std::vector<std::string> Reader::table_keys() const { return keys_where(true); }
std::vector<std::string> Reader::value_keys() const { return keys_where(false); }

std::vector<std::string> Reader::keys_where(bool tables) const {
  if (table_ == nullptr) return {};
  std::vector<std::pair<OrderKey, std::string>> items;
  for (const auto& [k, v] : *table_) {
    if (v.is_table() != tables) continue;
    const auto& r = k.source().path ? k.source() : v.source();
    int rank = 0;
    if (r.path && *r.path != state_->doc_source) {
      auto it = state_->source_rank.find(*r.path);
      rank = it == state_->source_rank.end() ? std::numeric_limits<int>::max() : it->second;
    }
    items.emplace_back(OrderKey{rank, r.begin.line, r.begin.column}, std::string(k.str()));
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  out.reserve(items.size());
  for (auto& it : items) out.push_back(std::move(it.second));
  return out;
}

// --- typed reads: nullopt when absent, InputError when present but bad -----------------------

std::optional<double> Reader::read_double(std::string_view key, double lo, double hi) const {
  const toml::node* n = find(key);
  if (n == nullptr) return std::nullopt;
  double d = 0;
  if (auto i = n->value_exact<std::int64_t>()) {
    d = static_cast<double>(*i);
  } else if (auto f = n->value_exact<double>()) {
    d = *f;
  } else {
    throw error(key, "wrong type", "a number" + got(*n),
                "write a number without quotes, e.g. " + quote_key(key) + " = " +
                    format_double(std::isfinite(lo) ? lo : (std::isfinite(hi) ? hi : 0.0)));
  }
  if (!std::isfinite(d)) {
    throw error(key, "not a finite number: " + format_double(d), number_range(lo, hi),
                "give an ordinary number (nan and inf are not allowed)");
  }
  if (d < lo || d > hi) {
    throw error(key, "out of range: " + format_double(d), number_range(lo, hi),
                "set " + path_of(key) + " to a value within the range");
  }
  return d;
}

std::optional<std::int64_t> Reader::read_int(std::string_view key, std::int64_t lo,
                                             std::int64_t hi) const {
  const toml::node* n = find(key);
  if (n == nullptr) return std::nullopt;
  auto i = n->value_exact<std::int64_t>();
  if (!i) {
    const std::string fix = n->is_floating_point()
                                ? "write a whole number without a decimal point or exponent"
                                : "write a whole number without quotes";
    throw error(key, "wrong type", "an integer" + got(*n),
                fix + ", e.g. " + quote_key(key) + " = " + std::to_string(lo > 0 ? lo : 0));
  }
  if (*i < lo || *i > hi) {
    throw error(key, "out of range: " + std::to_string(*i), int_range(lo, hi),
                "set " + path_of(key) + " to a value within the range");
  }
  return *i;
}

std::optional<bool> Reader::read_bool(std::string_view key) const {
  const toml::node* n = find(key);
  if (n == nullptr) return std::nullopt;
  auto b = n->value_exact<bool>();
  if (!b) {
    throw error(key, "wrong type", "true or false" + got(*n),
                "write true or false without quotes");
  }
  return *b;
}

std::optional<std::string> Reader::read_string(std::string_view key) const {
  const toml::node* n = find(key);
  if (n == nullptr) return std::nullopt;
  auto s = n->value_exact<std::string>();
  if (!s) {
    throw error(key, "wrong type", "a string" + got(*n),
                "put the text in double quotes, e.g. " + quote_key(key) + " = \"...\"");
  }
  return *s;
}

std::optional<std::string> Reader::read_choice(std::string_view key,
                                               const std::vector<std::string>& choices) const {
  const toml::node* n = find(key);
  if (n == nullptr) return std::nullopt;
  auto s = n->value_exact<std::string>();
  const std::string expected = "one of: " + list_names(choices);
  if (!s) {
    throw error(key, "wrong type", expected + got(*n),
                "write one of the names in double quotes, e.g. " + quote_key(key) + " = \"" +
                    (choices.empty() ? std::string() : choices.front()) + "\"");
  }
  if (std::find(choices.begin(), choices.end(), *s) == choices.end()) {
    const std::string guess = closest_match(*s, choices);
    throw error(key,
                "unknown value " + escape_string(*s) +
                    (guess.empty() ? "" : " (did you mean '" + guess + "'?)"),
                expected,
                guess.empty() ? "use one of the listed values"
                              : "write " + quote_key(key) + " = \"" + guess + "\"");
  }
  return *s;
}

std::optional<std::vector<double>> Reader::read_double_array(std::string_view key, double lo,
                                                             double hi, std::size_t min_len,
                                                             std::size_t max_len) const {
  const toml::node* n = find(key);
  if (n == nullptr) return std::nullopt;
  const std::string len_text =
      min_len == max_len ? std::to_string(min_len)
      : max_len == std::numeric_limits<std::size_t>::max()
          ? "at least " + std::to_string(min_len)
          : std::to_string(min_len) + " to " + std::to_string(max_len);
  const std::string expected = "an array of " + len_text + " numbers, each " + number_range(lo, hi);
  const toml::array* a = n->as_array();
  if (a == nullptr) {
    throw error(key, "wrong type", expected + got(*n),
                "write an array, e.g. " + quote_key(key) + " = [0.5, 0.5]");
  }
  if (a->size() < min_len || a->size() > max_len) {
    throw error(key, "wrong length: " + std::to_string(a->size()) + " elements", expected,
                "give " + len_text + " elements");
  }
  std::vector<double> out;
  out.reserve(a->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::node& e = (*a)[i];
    const std::string elem_key = path_of(key) + "[" + std::to_string(i) + "]";
    double d = 0;
    if (auto iv = e.value_exact<std::int64_t>()) {
      d = static_cast<double>(*iv);
    } else if (auto fv = e.value_exact<double>()) {
      d = *fv;
    } else {
      throw InputError(node_pos(e), elem_key, "wrong type", "a number" + got(e),
                       "write numbers only, without quotes");
    }
    if (!std::isfinite(d) || d < lo || d > hi) {
      throw InputError(node_pos(e), elem_key,
                       (std::isfinite(d) ? "out of range: " : "not a finite number: ") +
                           format_double(d),
                       number_range(lo, hi), "change element " + std::to_string(i) +
                                                 " (counting from 0) to a value within the range");
    }
    out.push_back(d);
  }
  return out;
}

void Reader::missing(std::string_view key, const std::string& expected) const {
  const std::string where = path_.empty() ? "the top level" : "[" + join_path(path_) + "]";
  throw InputError(pos_of(key), path_of(key), "missing required key", expected,
                   "add '" + quote_key(key) + " = ...' to " + where + " of " +
                       state_->doc_source + ", or pass --set " + path_of(key) + "=...");
}

// --- public getters ---------------------------------------------------------------------------

namespace {
toml::array to_toml_array(const std::vector<double>& v) {
  toml::array a;
  for (double d : v) a.push_back(d);
  return a;
}
toml::array to_toml_array(const std::vector<std::string>& v) {
  toml::array a;
  for (const auto& s : v) a.push_back(s);
  return a;
}
}  // namespace

double Reader::get_double(std::string_view key, double default_value, double lo,
                          double hi) const {
  CREDSIM_ASSERT(default_value >= lo && default_value <= hi);
  note_expected(key);
  const double d = read_double(key, lo, hi).value_or(default_value);
  consume(key, toml::value<double>(d));
  return d;
}

std::int64_t Reader::get_int(std::string_view key, std::int64_t default_value, std::int64_t lo,
                             std::int64_t hi) const {
  CREDSIM_ASSERT(default_value >= lo && default_value <= hi);
  note_expected(key);
  const std::int64_t i = read_int(key, lo, hi).value_or(default_value);
  consume(key, toml::value<std::int64_t>(i));
  return i;
}

bool Reader::get_bool(std::string_view key, bool default_value) const {
  note_expected(key);
  const bool b = read_bool(key).value_or(default_value);
  consume(key, toml::value<bool>(b));
  return b;
}

std::string Reader::get_string(std::string_view key, std::string default_value) const {
  note_expected(key);
  std::string s = read_string(key).value_or(std::move(default_value));
  consume(key, toml::value<std::string>(s));
  return s;
}

std::string Reader::get_choice(std::string_view key, std::string default_value,
                               const std::vector<std::string>& choices) const {
  CREDSIM_ASSERT(std::find(choices.begin(), choices.end(), default_value) != choices.end());
  note_expected(key);
  std::string s = read_choice(key, choices).value_or(std::move(default_value));
  consume(key, toml::value<std::string>(s));
  return s;
}

std::vector<double> Reader::get_double_array(std::string_view key,
                                             std::vector<double> default_value, double lo,
                                             double hi, std::size_t min_len,
                                             std::size_t max_len) const {
  note_expected(key);
  std::vector<double> v =
      read_double_array(key, lo, hi, min_len, max_len).value_or(std::move(default_value));
  consume(key, to_toml_array(v));
  return v;
}

std::vector<std::string> Reader::get_string_array(std::string_view key,
                                                  std::vector<std::string> default_value,
                                                  std::size_t min_len,
                                                  std::size_t max_len) const {
  note_expected(key);
  std::vector<std::string> out;
  if (const toml::node* n = find(key)) {
    const std::string expected = "an array of " + std::to_string(min_len) + " to " +
                                 std::to_string(max_len) + " strings";
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      throw error(key, "wrong type", expected + got(*n),
                  "write an array, e.g. " + quote_key(key) + " = [\"a\", \"b\"]");
    }
    if (a->size() < min_len || a->size() > max_len) {
      throw error(key, "wrong length: " + std::to_string(a->size()) + " elements", expected,
                  "give between " + std::to_string(min_len) + " and " + std::to_string(max_len) +
                      " elements");
    }
    for (std::size_t i = 0; i < a->size(); ++i) {
      const toml::node& e = (*a)[i];
      auto s = e.value_exact<std::string>();
      if (!s) {
        throw InputError(node_pos(e), path_of(key) + "[" + std::to_string(i) + "]", "wrong type",
                         "a string" + got(e), "put each element in double quotes");
      }
      out.push_back(*s);
    }
  } else {
    out = std::move(default_value);
  }
  consume(key, to_toml_array(out));
  return out;
}

double Reader::require_double(std::string_view key, double lo, double hi) const {
  note_expected(key);
  auto d = read_double(key, lo, hi);
  if (!d) missing(key, number_range(lo, hi));
  consume(key, toml::value<double>(*d));
  return *d;
}

std::int64_t Reader::require_int(std::string_view key, std::int64_t lo, std::int64_t hi) const {
  note_expected(key);
  auto i = read_int(key, lo, hi);
  if (!i) missing(key, int_range(lo, hi));
  consume(key, toml::value<std::int64_t>(*i));
  return *i;
}

bool Reader::require_bool(std::string_view key) const {
  note_expected(key);
  auto b = read_bool(key);
  if (!b) missing(key, "true or false");
  consume(key, toml::value<bool>(*b));
  return *b;
}

std::string Reader::require_string(std::string_view key) const {
  note_expected(key);
  auto s = read_string(key);
  if (!s) missing(key, "a string");
  consume(key, toml::value<std::string>(*s));
  return *s;
}

std::string Reader::require_choice(std::string_view key,
                                   const std::vector<std::string>& choices) const {
  note_expected(key);
  auto s = read_choice(key, choices);
  if (!s) missing(key, "one of: " + list_names(choices));
  consume(key, toml::value<std::string>(*s));
  return *s;
}

std::vector<double> Reader::require_double_array(std::string_view key, double lo, double hi,
                                                 std::size_t min_len,
                                                 std::size_t max_len) const {
  note_expected(key);
  auto v = read_double_array(key, lo, hi, min_len, max_len);
  if (!v) {
    missing(key, "an array of " + std::to_string(min_len) + " to " + std::to_string(max_len) +
                     " numbers, each " + number_range(lo, hi));
  }
  consume(key, to_toml_array(*v));
  return *v;
}

// --- unknown keys -----------------------------------------------------------------------------

void Reader::finish() const {
  if (table_ != nullptr) finish_table(*table_, path_);
}

void Reader::finish_table(const toml::table& table, const Path& path) const {
  // Walk in file order so the first error reported is the first one in the file.
  std::vector<std::pair<OrderKey, std::pair<const toml::key*, const toml::node*>>> items;
  for (const auto& [k, v] : table) {
    const auto& r = k.source().path ? k.source() : v.source();
    int rank = 0;
    if (r.path && *r.path != state_->doc_source) {
      auto it = state_->source_rank.find(*r.path);
      rank = it == state_->source_rank.end() ? std::numeric_limits<int>::max() : it->second;
    }
    items.push_back({OrderKey{rank, r.begin.line, r.begin.column}, {&k, &v}});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  for (const auto& item : items) {
    const toml::key& k = *item.second.first;
    const toml::node& v = *item.second.second;
    Path full = path;
    full.emplace_back(k.str());
    if (state_->consumed.count(full) != 0) continue;
    if (v.is_table() && state_->opened.count(full) != 0) {
      finish_table(*v.as_table(), full);
      continue;
    }
    static const std::vector<std::string> kNone;
    auto eit = state_->expected.find(path);
    const auto& valid = eit == state_->expected.end() ? kNone : eit->second;
    std::vector<std::string> sorted = valid;
    std::sort(sorted.begin(), sorted.end());
    const std::string guess = closest_match(k.str(), valid);
    const std::string where = path.empty() ? "the top level" : "[" + join_path(path) + "]";
    const std::string expected =
        sorted.empty() ? "no keys in " + where
        : path.empty() ? "one of the top-level keys: " + list_names(sorted)
                       : "one of the keys of " + where + ": " + list_names(sorted);
    const std::string fix =
        guess.empty() ? "remove it, or correct its spelling to one of the valid keys"
                      : "rename it to '" + guess + "'";
    throw InputError(region_pos(k.source().path ? k.source() : v.source()), join_path(full),
                     "unknown key" + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"),
                     expected, fix);
  }
}

toml::table Reader::resolved() const { return state_->resolved; }

// ---------------------------------------------------------------------------------------------
// JSON

namespace {
nlohmann::json node_to_json(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& [k, v] : *n.as_table()) j[std::string(k.str())] = node_to_json(v);
      return j;
    }
    case toml::node_type::array: {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& e : *n.as_array()) j.push_back(node_to_json(e));
      return j;
    }
    case toml::node_type::string:
      return *n.value_exact<std::string>();
    case toml::node_type::integer:
      return *n.value_exact<std::int64_t>();
    case toml::node_type::floating_point:
      return *n.value_exact<double>();
    case toml::node_type::boolean:
      return *n.value_exact<bool>();
    default: {
      // Dates and times: TOML's own text form, which is also ISO 8601.
      std::ostringstream ss;
      n.visit([&](const auto& v) {
        if constexpr (toml::is_date<decltype(v)> || toml::is_time<decltype(v)> ||
                      toml::is_date_time<decltype(v)>) {
          ss << v;
        }
      });
      return ss.str();
    }
  }
}
}  // namespace

nlohmann::json to_json(const toml::table& table) { return node_to_json(table); }

}  // namespace credsim::scenario
