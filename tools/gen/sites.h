// File: gen/sites.h
//
// Synthetic news sites and the page chrome they put around an article: a
// header (masthead, navigation, cookie notice, breadcrumb, date line,
// byline) and a footer (share buttons, related links, newsletter, tags,
// links, copyright), each element on a line of its own. Each site has a fixed
// template, drawn from the seed, so its lines recur on all its pages as in a
// real crawl; dates, bylines and related links change per page.
//
// Example:
//   SiteCatalog sites(seed, 64);
//   Page page = sites.page(3, rng, nullptr);
//   std::string text = page.header + body + page.footer;

#ifndef NEARDUP_TOOLS_GEN_SITES_H_
#define NEARDUP_TOOLS_GEN_SITES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "gen/rng.h"

namespace neardup::gen {

// Site names are "[The] <place> <title>": this many distinct ones exist.
inline constexpr uint32_t kMaxSites = 600;

struct Page {
  std::string header;  // lines, each ending with '\n'; never empty
  std::string footer;  // lines, each starting with '\n'; never empty
};

// Immutable after construction; thread-safe to read.
class SiteCatalog {
 public:
  // `count` distinct sites, 1 <= count <= kMaxSites, all drawn from `seed`.
  SiteCatalog(uint64_t seed, uint32_t count);
  ~SiteCatalog();
  SiteCatalog(const SiteCatalog&) = delete;
  SiteCatalog& operator=(const SiteCatalog&) = delete;

  uint32_t size() const;
  const std::string& name(uint32_t site) const;

  // The chrome of one page of `site` < size(), with per-page details from
  // `rng`. If `credit_site` is not null, the page credits that site as the
  // story's first publisher (a syndicated copy).
  Page page(uint32_t site, Rng& rng, const std::string* credit_site) const;

 private:
  struct Site;
  std::vector<Site> sites_;
};

}  // namespace neardup::gen

#endif  // NEARDUP_TOOLS_GEN_SITES_H_
