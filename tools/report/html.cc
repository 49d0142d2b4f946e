#include "report/html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <dtl/dtl.hpp>

#include "neardup/text.h"

namespace neardup::report {

namespace {

constexpr int kWidth = 470, kHeight = 220;
constexpr int kLeft = 56, kRight = 16, kTop = 30, kBottom = 46;
constexpr int kPlotWidth = kWidth - kLeft - kRight;
constexpr int kPlotHeight = kHeight - kTop - kBottom;
// Lines kept by the filter must hold at least this many tokens (text.cc).
constexpr size_t kMinKeptTokens = 50;

std::string format(const char* fmt, double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, value);
  return buf;
}

std::string svg_open(const std::string& title) {
  std::string out = "<figure><svg class=\"chart\" role=\"img\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(kHeight) +
                    "\" width=\"" + std::to_string(kWidth) + "\" height=\"" +
                    std::to_string(kHeight) + "\"><title>";
  append_escaped(title, &out);
  out += "</title>";
  out += "<text class=\"t\" x=\"" + std::to_string(kLeft) + "\" y=\"18\">";
  append_escaped(title, &out);
  out += "</text>";
  // Axes.
  out += "<path class=\"axis\" d=\"M" + std::to_string(kLeft) + " " +
         std::to_string(kTop) + "V" + std::to_string(kTop + kPlotHeight) + "H" +
         std::to_string(kLeft + kPlotWidth) + "\"/>";
  return out;
}

std::string text_at(double x, double y, std::string_view text,
                    const char* anchor = "middle") {
  std::string out = "<text x=\"" + format("%.1f", x) + "\" y=\"" +
                    format("%.1f", y) + "\" text-anchor=\"" + anchor + "\">";
  append_escaped(text, &out);
  out += "</text>";
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

// A word and the whitespace after it, as byte offsets, and its line.
struct Word {
  size_t begin, end, space_end;
  size_t line;
};

std::vector<Word> split_words(std::string_view text, size_t* lead) {
  std::vector<Word> words;
  size_t i = 0, line = 0;
  while (i < text.size() && is_space(text[i])) line += text[i++] == '\n';
  *lead = i;
  while (i < text.size()) {
    Word w{i, i, i, line};
    while (i < text.size() && !is_space(text[i])) ++i;
    w.end = i;
    while (i < text.size() && is_space(text[i])) line += text[i++] == '\n';
    w.space_end = i;
    words.push_back(w);
  }
  return words;
}

void append_word(std::string_view text, const Word& w, bool changed, bool left,
                 bool dim, std::string* out) {
  const std::string_view word = text.substr(w.begin, w.end - w.begin);
  const char* tag = changed ? (left ? "del" : "ins") : "span";
  if (changed || dim) {
    *out += '<';
    *out += tag;
    if (dim) *out += " class=\"f\"";
    *out += '>';
    append_escaped(word, out);
    *out += "</";
    *out += tag;
    *out += '>';
  } else {
    append_escaped(word, out);
  }
  append_escaped(text.substr(w.end, w.space_end - w.end), out);
}

struct Side {
  const ShownDoc& doc;
  std::vector<Word> words;
  size_t lead = 0;
  std::vector<bool> dim;
};

void open_column(const Side& side, std::string* out) {
  *out += "<div class=\"doc\"><div class=\"h\">";
  append_escaped(side.doc.heading, out);
  *out += " <code>";
  append_escaped(side.doc.id, out);
  *out += "</code></div><div class=\"x\">";
  append_escaped(side.doc.text.substr(0, side.lead), out);
}

void close_column(const Side& side, std::string* out) {
  if (side.doc.cut) *out += "<span class=\"cut\"> [cut]</span>";
  *out += "</div></div>";
}

}  // namespace

void append_escaped(std::string_view text, std::string* out) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* ref = nullptr;
    switch (text[i]) {
      case '&':
        ref = "&amp;";
        break;
      case '<':
        ref = "&lt;";
        break;
      case '>':
        ref = "&gt;";
        break;
      case '"':
        ref = "&quot;";
        break;
      case '\'':
        ref = "&#39;";
        break;
      default:
        continue;
    }
    out->append(text.data() + run, i - run);
    out->append(ref);
    run = i + 1;
  }
  out->append(text.data() + run, text.size() - run);
}

std::string bar_chart_svg(const BarChart& chart) {
  std::string out = svg_open(chart.title);
  double top = 0;
  const auto scale = [&](double v) {
    return chart.log_y ? std::log10(1 + std::max(0.0, v)) : v;
  };
  for (const Bar& bar : chart.bars) top = std::max(top, scale(bar.value));
  if (top <= 0) top = 1;
  const size_t n = std::max<size_t>(chart.bars.size(), 1);
  const double width = static_cast<double>(kPlotWidth) / n;
  const size_t label_every = (n + 11) / 12;
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const Bar& bar = chart.bars[i];
    const double h = scale(bar.value) / top * kPlotHeight;
    const double x = kLeft + i * width;
    const bool marked = static_cast<int>(i) == chart.marker;
    out += "<rect class=\"" + std::string(marked ? "bar m" : "bar") +
           "\" x=\"" + format("%.1f", x + 0.5) + "\" y=\"" +
           format("%.1f", kTop + kPlotHeight - h) + "\" width=\"" +
           format("%.1f", std::max(1.0, width - 1)) + "\" height=\"" +
           format("%.1f", h) + "\"><title>";
    append_escaped(bar.label + ": " + format("%.0f", bar.value), &out);
    out += "</title></rect>";
    if (i % label_every == 0) {
      out += text_at(x + width / 2, kTop + kPlotHeight + 14, bar.label);
    }
  }
  if (chart.marker >= 0) {
    out += text_at(kLeft + (chart.marker + 0.5) * width, kTop - 2,
                   chart.marker_label);
  }
  const double max_value = chart.log_y ? std::pow(10, top) - 1 : top;
  out += text_at(kLeft - 6, kTop + 4, format("%.0f", max_value), "end");
  out += text_at(kLeft - 6, kTop + kPlotHeight, "0", "end");
  out += text_at(kLeft + kPlotWidth / 2.0, kHeight - 8,
                 chart.x_label + (chart.log_y ? " (count, log scale)" : ""));
  out += "</svg></figure>";
  return out;
}

std::string s_curve_svg(int bands, int rows, double threshold) {
  std::string out =
      svg_open("Chance of becoming a candidate pair: " + std::to_string(bands) +
               " bands x " + std::to_string(rows) + " rows");
  std::string path = "M";
  for (int i = 0; i <= 100; ++i) {
    const double s = i / 100.0;
    const double p = 1 - std::pow(1 - std::pow(s, rows), bands);
    path += format("%.1f", kLeft + s * kPlotWidth) + " " +
            format("%.1f", kTop + (1 - p) * kPlotHeight) + (i < 100 ? "L" : "");
  }
  out += "<path class=\"curve\" d=\"" + path + "\"/>";
  const double x = kLeft + threshold * kPlotWidth;
  out += "<path class=\"mark\" d=\"M" + format("%.1f", x) + " " +
         std::to_string(kTop) + "V" + std::to_string(kTop + kPlotHeight) +
         "\"/>";
  out += text_at(x, kTop - 2, "threshold " + format("%.2f", threshold));
  for (double s : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    out += text_at(kLeft + s * kPlotWidth, kTop + kPlotHeight + 14,
                   format("%.2f", s));
  }
  out += text_at(kLeft - 6, kTop + 4, "1", "end");
  out += text_at(kLeft - 6, kTop + kPlotHeight, "0", "end");
  out += text_at(kLeft + kPlotWidth / 2.0, kHeight - 8, "Jaccard similarity");
  out += "</svg></figure>";
  return out;
}

std::vector<bool> filtered_lines(std::string_view text, int min_line_words) {
  std::vector<size_t> counts;
  std::string normalized;
  std::vector<std::string_view> tokens;
  size_t total = 0, kept = 0;
  for (size_t begin = 0; begin <= text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    tokens.clear();
    if (normalize_text(text.substr(begin, end - begin), &normalized).ok()) {
      tokenize(normalized, &tokens);
    }
    counts.push_back(tokens.size());
    total += tokens.size();
    if (tokens.size() >= static_cast<size_t>(min_line_words)) {
      kept += tokens.size();
    }
    begin = end + 1;
  }
  std::vector<bool> dim(counts.size(), false);
  if (min_line_words == 0 || 2 * kept < total || kept < kMinKeptTokens) {
    return dim;
  }
  for (size_t i = 0; i < counts.size(); ++i) {
    dim[i] = counts[i] > 0 && counts[i] < static_cast<size_t>(min_line_words);
  }
  return dim;
}

std::string pair_html(const ShownDoc& left, const ShownDoc& right,
                      int min_line_words) {
  Side a{left, {}, 0, filtered_lines(left.text, min_line_words)};
  Side b{right, {}, 0, filtered_lines(right.text, min_line_words)};
  a.words = split_words(left.text, &a.lead);
  b.words = split_words(right.text, &b.lead);
  std::vector<std::string_view> wa, wb;
  for (const Word& w : a.words) {
    wa.push_back(left.text.substr(w.begin, w.end - w.begin));
  }
  for (const Word& w : b.words) {
    wb.push_back(right.text.substr(w.begin, w.end - w.begin));
  }
  dtl::Diff<std::string_view, std::vector<std::string_view>> diff(wa, wb);
  diff.onHuge();
  diff.compose();
  std::string out = "<div class=\"pair\">";
  std::string right_html;
  open_column(a, &out);
  open_column(b, &right_html);
  for (const auto& [word, info] : diff.getSes().getSequence()) {
    if (info.type != dtl::SES_ADD) {
      const Word& w = a.words[static_cast<size_t>(info.beforeIdx - 1)];
      append_word(left.text, w, info.type == dtl::SES_DELETE, true,
                  w.line < a.dim.size() && a.dim[w.line], &out);
    }
    if (info.type != dtl::SES_DELETE) {
      const Word& w = b.words[static_cast<size_t>(info.afterIdx - 1)];
      append_word(right.text, w, info.type == dtl::SES_ADD, false,
                  w.line < b.dim.size() && b.dim[w.line], &right_html);
    }
  }
  close_column(a, &out);
  close_column(b, &right_html);
  out += right_html;
  out += "</div>";
  return out;
}

}  // namespace neardup::report
