// The pieces of the report page: escaping, inline SVG charts, and a member
// beside its representative with their word differences marked.

#ifndef NEARDUP_TOOLS_REPORT_HTML_H_
#define NEARDUP_TOOLS_REPORT_HTML_H_

#include <string>
#include <string_view>
#include <vector>

namespace neardup::report {

// Appends `text` to `out` with & < > " ' as character references, so that
// any input is text in an element or an attribute value. `text` is UTF-8.
void append_escaped(std::string_view text, std::string* out);

struct Bar {
  std::string label;  // under the bar
  double value = 0;
};

struct BarChart {
  std::string title;
  std::string x_label;
  std::vector<Bar> bars;
  bool log_y = false;  // log10(1 + value): counts that span decades
  int marker = -1;     // index of a bar marked with `marker_label`, or -1
  std::string marker_label;
};

// An inline <svg> bar chart with its title, bar values in tooltips.
std::string bar_chart_svg(const BarChart& chart);

// The chance that a pair of Jaccard similarity s becomes a candidate in
// banded LSH, 1 - (1 - s^rows)^bands (Leskovec, Rajaraman and Ullman,
// Mining of Massive Datasets, section 3.4.2), over s in [0, 1], with the
// threshold marked. REQUIRES: bands, rows >= 1.
std::string s_curve_svg(int bands, int rows, double threshold);

// For each '\n'-separated line of `text`: true if the line filter of
// TextOptions::min_line_words leaves it out of the shingles (fewer tokens
// than `min_line_words`, unless that would leave out more than half of the
// tokens or leave fewer than 50).
std::vector<bool> filtered_lines(std::string_view text, int min_line_words);

struct ShownDoc {
  std::string id;
  std::string_view text;  // cut for display; valid until rendered
  bool cut = false;       // text is a prefix of the document's
  std::string heading;    // e.g. "representative", "member, similarity 0.61"
};

// Two columns: `left` (the representative) with the words that `right` lacks
// in <del>, and `right` with its own words in <ins>, from a shortest edit
// script over whitespace-separated words (dtl). Filtered lines are dimmed.
std::string pair_html(const ShownDoc& left, const ShownDoc& right,
                      int min_line_words);

}  // namespace neardup::report

#endif  // NEARDUP_TOOLS_REPORT_HTML_H_
