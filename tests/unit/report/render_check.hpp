// Opening report.html in headless Chromium, as a reader's browser would, and checking what it drew:
// the page's script reports on <body> (data-render, data-charts, data-errors, data-rects); a
// screenshot is decoded (PNG, with zlib) and every chart's plot area must hold coloured marks.
#pragma once
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace credsim::test {

// $CREDSIM_CHROMIUM, else the Debian package's /usr/bin/chromium, else chromium on PATH; "" if none.
inline std::string find_chromium() {
  if (const char* env = std::getenv("CREDSIM_CHROMIUM"); env && *env) return env;
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (std::filesystem::exists(p)) return p;
  if (std::system("command -v chromium >/dev/null 2>&1") == 0) return "chromium";
  return "";
}

struct Image {
  int w = 0, h = 0;
  std::vector<std::uint8_t> rgb;  // w * h * 3
  const std::uint8_t* at(int x, int y) const { return &rgb[(static_cast<std::size_t>(y) * w + x) * 3]; }
};

// 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes). Empty image on anything else.
inline Image decode_png(const std::string& bytes) {
  Image img;
  auto u32 = [&](std::size_t p) {
    return (std::uint32_t(std::uint8_t(bytes[p])) << 24) | (std::uint32_t(std::uint8_t(bytes[p + 1])) << 16) |
           (std::uint32_t(std::uint8_t(bytes[p + 2])) << 8) | std::uint32_t(std::uint8_t(bytes[p + 3]));
  };
  if (bytes.size() < 8 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return img;
  std::string idat;
  int ch = 0;
  for (std::size_t p = 8; p + 8 <= bytes.size();) {
    const std::uint32_t n = u32(p);
    const std::string type = bytes.substr(p + 4, 4);
    if (p + 12 + n > bytes.size()) return {};
    if (type == "IHDR") {
      img.w = static_cast<int>(u32(p + 8));
      img.h = static_cast<int>(u32(p + 12));
      const int depth = std::uint8_t(bytes[p + 16]), ctype = std::uint8_t(bytes[p + 17]),
                inter = std::uint8_t(bytes[p + 20]);
      if (depth != 8 || (ctype != 2 && ctype != 6) || inter != 0) return {};
      ch = ctype == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      idat += bytes.substr(p + 8, n);
    } else if (type == "IEND") {
      break;
    }
    p += 12 + n;
  }
  if (ch == 0 || img.w <= 0 || img.h <= 0) return {};
  const std::size_t stride = static_cast<std::size_t>(img.w) * ch;
  std::vector<std::uint8_t> raw((stride + 1) * img.h);
  uLongf len = raw.size();
  if (uncompress(raw.data(), &len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) != Z_OK ||
      len != raw.size())
    return {};
  std::vector<std::uint8_t> cur(stride), prev(stride, 0);
  img.rgb.resize(static_cast<std::size_t>(img.w) * img.h * 3);
  for (int y = 0; y < img.h; ++y) {
    const std::uint8_t f = raw[y * (stride + 1)];
    const std::uint8_t* line = &raw[y * (stride + 1) + 1];
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= std::size_t(ch) ? cur[x - ch] : 0, b = prev[x], c = x >= std::size_t(ch) ? prev[x - ch] : 0;
      int pred = 0;
      switch (f) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) / 2; break;
        case 4: {
          const int pa = std::abs(b - c), pb = std::abs(a - c), pc = std::abs(a + b - 2 * c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: return {};
      }
      cur[x] = static_cast<std::uint8_t>(line[x] + pred);
    }
    for (int x = 0; x < img.w; ++x)
      for (int k = 0; k < 3; ++k) img.rgb[(static_cast<std::size_t>(y) * img.w + x) * 3 + k] = cur[x * ch + k];
    std::swap(cur, prev);
  }
  return img;
}

struct RenderResult {
  bool ran = false;           // chromium started and produced output
  std::string render;         // data-render: "ok", "error", or "pending" when the script never finished
  int charts = -1, errors = -1;
  std::vector<std::string> error_messages;
  nlohmann::json rects;       // [{id, x, y, w, h}]
  std::vector<std::string> blank;  // ids of charts whose plot area has no coloured marks
  std::string log;            // what went wrong running chromium
};

inline std::string html_unescape(std::string s) {
  const std::pair<const char*, const char*> ents[] = {{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&#39;", "'"},
                                                      {"&amp;", "&"}};
  for (const auto& [e, c] : ents)
    for (std::size_t p; (p = s.find(e)) != std::string::npos;) s.replace(p, std::string(e).size(), c);
  return s;
}

// Opens `html` at width 1000 (no network: every host name fails to resolve). With `screenshot`,
// photographs the whole page and checks each reported plot area for coloured pixels.
inline RenderResult render_in_chromium(const std::filesystem::path& html, const TempDir& tmp, bool screenshot) {
  RenderResult r;
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    r.log = "chromium not found (tried $CREDSIM_CHROMIUM, /usr/bin/chromium, chromium on PATH). Fix: install the "
            "Debian package 'chromium' (listed in scripts/debian-packages.txt; scripts/install-deps.sh installs it).";
    return r;
  }
  const std::filesystem::path profile = tmp.path() / "chromium-profile";
  auto run = [&](const std::string& extra, const std::filesystem::path& out) {
    std::string cmd = shell_quote(chromium);
    cmd += " --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions"
           " --disable-dev-shm-usage --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir=";
    cmd += shell_quote(profile.string()) + " " + extra + " " +
           shell_quote("file://" + std::filesystem::absolute(html).string()) + " >" + shell_quote(out.string()) +
           " 2>" + shell_quote(out.string() + ".stderr") + " </dev/null";
    return std::system(cmd.c_str());
  };
  const std::filesystem::path dom = tmp.path() / "dom.html";
  const int rc = run("--window-size=1000,1000 --virtual-time-budget=5000 --dump-dom", dom);
  const std::string text = slurp(dom);
  std::smatch m;
  if (rc != 0 || !std::regex_search(text, m, std::regex("<body([^>]*)>"))) {
    r.log = "chromium failed (exit " + std::to_string(rc) + "): " + slurp(dom.string() + ".stderr").substr(0, 2000);
    return r;
  }
  r.ran = true;
  const std::string body = m[1];
  auto attr = [&](const std::string& name) {
    std::smatch a;
    return std::regex_search(body, a, std::regex(name + "=\"([^\"]*)\"")) ? html_unescape(a[1]) : std::string();
  };
  r.render = attr("data-render");
  if (!attr("data-charts").empty()) r.charts = std::stoi(attr("data-charts"));
  if (!attr("data-errors").empty()) r.errors = std::stoi(attr("data-errors"));
  const std::string rects = attr("data-rects");
  r.rects = rects.empty() ? nlohmann::json::array() : nlohmann::json::parse(rects);
  std::smatch ul;
  if (std::regex_search(text, ul, std::regex("<ul id=\"render-errors\"[^>]*>([\\s\\S]*?)</ul>"))) {
    const std::string items = ul[1];
    std::regex li("<li>([\\s\\S]*?)</li>");
    for (auto it = std::sregex_iterator(items.begin(), items.end(), li); it != std::sregex_iterator(); ++it)
      r.error_messages.push_back(html_unescape((*it)[1]));
  }
  if (!screenshot) return r;
  const int height = std::max(600, attr("data-doc-height").empty() ? 1000 : std::stoi(attr("data-doc-height")));
  const std::filesystem::path png = tmp.path() / "page.png";
  const int rc2 = run("--window-size=1000," + std::to_string(height) + " --virtual-time-budget=5000 --screenshot=" +
                          shell_quote(png.string()),
                      tmp.path() / "shot.log");
  const Image img = decode_png(slurp(png));
  if (rc2 != 0 || img.w == 0) {
    r.ran = false;
    r.log = "chromium screenshot failed (exit " + std::to_string(rc2) + ")";
    return r;
  }
  // A plot area counts as drawn when at least 0.1% of it (and 100 pixels) is coloured: every data
  // mark has a hue, while the frame (white, light-grey grid, grey axes and text) has none.
  for (const auto& rc : r.rects) {
    const int x0 = rc["x"].get<int>() + 2, y0 = rc["y"].get<int>() + 2;
    const int x1 = std::min(img.w, x0 + rc["w"].get<int>() - 4), y1 = std::min(img.h, y0 + rc["h"].get<int>() - 4);
    long coloured = 0, area = 0;
    for (int y = std::max(0, y0); y < y1; ++y)
      for (int x = std::max(0, x0); x < x1; ++x) {
        const std::uint8_t* p = img.at(x, y);
        const int mx = std::max({p[0], p[1], p[2]}), mn = std::min({p[0], p[1], p[2]});
        coloured += mx - mn >= 30;
        ++area;
      }
    if (area == 0 || coloured < std::max(100L, area / 1000)) r.blank.push_back(rc["id"].get<std::string>());
  }
  return r;
}

}  // namespace credsim::test
