#include "gen/sites.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <string_view>
#include <utility>

namespace neardup::gen {

namespace {

constexpr std::string_view kPlaces[] = {
    "Riverside", "Northern",  "Metro",       "Valley",      "Coastal",
    "Harbor",    "Capital",   "Lakeside",    "Summit",      "Prairie",
    "Eastern",   "Western",   "Southern",    "Highland",    "Bayside",
    "Granite",   "Pine Hill", "Red River",   "Silver Lake", "Oak Park",
    "Midland",   "Atlantic",  "Pacific",     "Frontier",    "Union",
    "Liberty",   "Central",   "Twin Cities", "Cedar",       "Iron Range"};
constexpr std::string_view kTitles[] = {
    "Gazette", "Herald",   "Courier",   "Ledger",   "Post",
    "Times",   "Tribune",  "Chronicle", "Dispatch", "Observer",
    "Journal", "Sentinel", "Wire",      "Examiner", "Register",
    "Star",    "Record",   "Bulletin",  "Monitor",  "Business Review"};
static_assert(std::size(kPlaces) * std::size(kTitles) == kMaxSites);

constexpr std::string_view kTlds[] = {".com", ".net",  ".co.uk",
                                      ".org", ".news", ".com.au"};
constexpr std::string_view kSections[] = {
    "Home",     "News",    "World",   "Business",  "Markets",
    "Politics", "Tech",    "Science", "Sport",     "Culture",
    "Opinion",  "Health",  "Money",   "Energy",    "Local",
    "Video",    "Weather", "Travel",  "Lifestyle", "Entertainment"};
constexpr std::string_view kTopics[] = {
    "Economy",    "Trade",       "Energy",    "Agriculture", "Banking",
    "Currencies", "Commodities", "Transport", "Labour",      "Elections",
    "Housing",    "Technology",  "Mining",    "Shipping",    "Earnings"};
constexpr std::string_view kSeparators[] = {" | ", " · ", " / ", "  ", " • "};
constexpr std::string_view kFirstNames[] = {
    "Ana",   "Tom",   "Li",    "Sara",   "Omar",   "Kim",  "Priya", "Jon",
    "Maria", "David", "Chen",  "Laura",  "Ahmed",  "Emma", "Lukas", "Grace",
    "Paul",  "Nina",  "Kofi",  "Ingrid", "Rafael", "Mei",  "Hugo",  "Fatima",
    "Sean",  "Elena", "Tariq", "Julia",  "Marco",  "Yuki"};
constexpr std::string_view kLastNames[] = {
    "Ruiz",    "Becker", "Wei",    "Novak",     "Haddad",  "Jensen",
    "Nair",    "Olsen",  "Santos", "Miller",    "Zhang",   "Fischer",
    "Khan",    "Walsh",  "Keller", "Osei",      "Moreau",  "Petrov",
    "Mensah",  "Larsen", "Costa",  "Tanaka",    "Dubois",  "Rahman",
    "O'Brien", "Rossi",  "Hughes", "Lindqvist", "Bianchi", "Sato"};
constexpr std::string_view kRoles[] = {
    "Business reporter", "Political correspondent", "Markets editor",
    "Staff writer",      "Senior reporter",         "Economics editor",
    "Contributor"};
constexpr std::string_view kMonths[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::string_view kSubjects[] = {
    "Oil prices",        "Central banks",     "Asian shares",
    "US stocks",         "Coffee growers",    "Union leaders",
    "Finance ministers", "Regional airlines", "Car makers",
    "Grain exporters",   "Tech investors",    "Small businesses",
    "House prices",      "City councils",     "Gold traders",
    "Currency traders",  "Steel makers",      "Retail sales",
    "Mining companies",  "Shipping rates",    "Bond yields",
    "Farm incomes",      "Health officials",  "Opposition parties",
    "Telecom groups",    "Insurers",          "Rail operators",
    "Power companies",   "Fishing fleets",    "Chip makers"};
constexpr std::string_view kVerbs[] = {
    "rise",           "fall",          "hold steady",     "climb",
    "slip",           "rebound",       "face pressure",   "brace for change",
    "beat forecasts", "miss targets",  "weigh new rules", "push for talks",
    "cut jobs",       "expand abroad", "win approval",    "stall",
    "surge",          "ease",          "warn of delays",  "plan mergers"};
constexpr std::string_view kTails[] = {" as supply worries grow",
                                       " after weak data",
                                       " ahead of the vote",
                                       " in early trading",
                                       " amid strike threat",
                                       " for a third month",
                                       " despite higher costs",
                                       " on export demand",
                                       " as talks resume",
                                       " after court ruling",
                                       " in busy session",
                                       " on rate hopes",
                                       " as winter nears",
                                       " after record year",
                                       " over new tariffs",
                                       " as rivals merge",
                                       " on strong earnings",
                                       " as budget looms",
                                       " after storm damage",
                                       " in quiet trade",
                                       "",
                                       "",
                                       "",
                                       ""};
constexpr std::string_view kTaglines[] = {
    "Independent news since 19",  // followed by two digits
    "News you can trust",         "Business and markets, every day",
    "Your region, your news",     "Award-winning journalism",
    "Breaking news and analysis", "The paper of record"};
constexpr std::string_view kUtilityLines[] = {
    "Skip to main content",
    "Sign in | Register",
    "Menu  Search  Subscribe",
    "Subscribe for unlimited access from $1 a week",
    "Log in | Subscribe | Newsletters",
    "Today's paper | Digital edition | Podcasts"};
constexpr std::string_view kShareLines[] = {
    "Share this article: Facebook | Twitter | LinkedIn | Email",
    "Share: Facebook · X · WhatsApp · Email", "Share this story",
    "Tweet  Share  Email  Print", "Share on Facebook | Share on X | Copy link"};
constexpr std::string_view kRelatedHeadings[] = {
    "Related stories",   "Read more", "More from ",  // + site name
    "You may also like", "Most read", "Recommended for you"};
constexpr std::string_view kRelatedPrefixes[] = {"", "- ", "Related: ", "» ",
                                                 "• "};
constexpr std::string_view kFooterLinks[] = {
    "About us",       "Contact",      "Careers",         "Advertise",
    "Privacy policy", "Terms of use", "Cookie settings", "Help",
    "Accessibility",  "Corrections",  "Site map",        "RSS"};

template <size_t N>
std::string_view pick(Rng& rng, const std::string_view (&items)[N]) {
  return items[rng.below(N)];
}

// `count` distinct indices in [0, n), in random order (partial Fisher-Yates).
std::vector<size_t> pick_distinct(Rng& rng, size_t n, size_t count) {
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  count = std::min(count, n);
  for (size_t i = 0; i < count; ++i) {
    std::swap(all[i], all[i + rng.below(n - i)]);
  }
  all.resize(count);
  return all;
}

std::string two_digits(uint64_t n) {
  std::string s = std::to_string(n);
  return n < 10 ? "0" + s : s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

enum class Header {
  kUtility,
  kMasthead,
  kNav,
  kCookie,
  kCrumbs,
  kDate,
  kByline,
  kReadTime
};
enum class Footer {
  kShare,
  kRelated,
  kNewsletter,
  kTags,
  kComments,
  kLinks,
  kCopyright,
  kBackToTop
};

}  // namespace

struct SiteCatalog::Site {
  std::string name;
  std::string separator;
  std::vector<std::string> sections;
  std::vector<Header> header;
  std::vector<Footer> footer;
  // Lines that are the same on every page of the site.
  std::string utility, masthead, nav, cookie, share, newsletter, links,
      copyright, related_heading, related_prefix;
  int date_style = 0;
  int byline_style = 0;
  int comments_style = 0;
  int credit_style = 0;
  bool credit_in_header = false;
};

SiteCatalog::~SiteCatalog() = default;

SiteCatalog::SiteCatalog(uint64_t seed, uint32_t count) {
  assert(count >= 1 && count <= kMaxSites);
  Rng rng(seed);
  const size_t titles = std::size(kTitles);
  for (size_t combo : pick_distinct(rng, kMaxSites, count)) {
    const std::string_view place = kPlaces[combo / titles];
    const std::string_view title = kTitles[combo % titles];
    Site s;
    s.name = std::string(rng.chance(0.4) ? "The " : "") + std::string(place) +
             " " + std::string(title);
    std::string domain;
    for (char c : std::string(place) + std::string(title)) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c >= 'a' && c <= 'z') domain.push_back(c);
    }
    domain += pick(rng, kTlds);
    s.separator = pick(rng, kSeparators);
    for (size_t i :
         pick_distinct(rng, std::size(kSections), rng.between(5, 8))) {
      s.sections.emplace_back(kSections[i]);
    }

    std::string tagline(pick(rng, kTaglines));
    if (tagline.back() == '9') tagline += two_digits(rng.between(10, 99));
    switch (rng.below(5)) {
      case 0:
        s.masthead = s.name;
        break;
      case 1:
        s.masthead = s.name + " - " + tagline;
        break;
      case 2:
        s.masthead = upper(s.name);
        break;
      case 3:
        s.masthead = domain + " | " + tagline;
        break;
      default:
        s.masthead = s.name + " | " + tagline;
        break;
    }
    s.utility = pick(rng, kUtilityLines);
    for (size_t i = 0; i < s.sections.size(); ++i) {
      if (i > 0) s.nav += s.separator;
      s.nav += s.sections[i];
    }
    switch (rng.below(3)) {
      case 0:
        s.cookie = "We use cookies to improve your experience on " + domain +
                   ". By continuing to browse the site you agree to our use "
                   "of cookies.";
        break;
      case 1:
        s.cookie =
            "This site uses cookies for analytics and personalised content. "
            "Accept all cookies | Manage preferences";
        break;
      default:
        s.cookie = s.name +
                   " and our partners use cookies to personalise ads and "
                   "measure performance. You can change your choices at any "
                   "time.";
        break;
    }
    s.share = pick(rng, kShareLines);
    const std::string section = s.sections[rng.below(s.sections.size())];
    switch (rng.below(5)) {
      case 0:
        s.newsletter =
            "Sign up for the " + s.name + " " + section + " newsletter";
        break;
      case 1:
        s.newsletter = "Get our morning briefing in your inbox. Sign up now.";
        break;
      case 2:
        s.newsletter = "Subscribe to our newsletter for the latest updates.";
        break;
      case 3:
        s.newsletter = "Never miss a story: sign up for " + s.name + " alerts";
        break;
      default:
        s.newsletter = "Enjoyed this article? Get the " + section +
                       " briefing every weekday.";
        break;
    }
    for (size_t i :
         pick_distinct(rng, std::size(kFooterLinks), rng.between(4, 7))) {
      if (!s.links.empty()) s.links += s.separator;
      s.links += kFooterLinks[i];
    }
    const std::string year = "20" + two_digits(rng.between(18, 25));
    switch (rng.below(4)) {
      case 0:
        s.copyright =
            "\u00a9 " + year + " " + s.name + ". All rights reserved.";
        break;
      case 1:
        s.copyright = "Copyright " + year + " " + s.name +
                      ". This material may not be published, broadcast, "
                      "rewritten or redistributed.";
        break;
      case 2:
        s.copyright = "All content \u00a9 " + s.name + " " + year;
        break;
      default:
        s.copyright = "(c) " + year + " " + std::string(place) +
                      " Media Ltd. Registered in England and Wales.";
        break;
    }
    s.related_heading = pick(rng, kRelatedHeadings);
    if (s.related_heading == "More from ") s.related_heading += s.name;
    s.related_prefix = pick(rng, kRelatedPrefixes);
    s.date_style = static_cast<int>(rng.below(6));
    s.byline_style = static_cast<int>(rng.below(5));
    s.comments_style = static_cast<int>(rng.below(4));
    s.credit_style = static_cast<int>(rng.below(4));
    s.credit_in_header = rng.chance(0.5);

    // The layout: which elements, in a fixed order per site.
    if (rng.chance(0.5)) s.header.push_back(Header::kUtility);
    s.header.push_back(Header::kMasthead);
    if (rng.chance(0.8)) s.header.push_back(Header::kNav);
    if (rng.chance(0.25)) s.header.push_back(Header::kCookie);
    if (rng.chance(0.4)) s.header.push_back(Header::kCrumbs);
    const bool date = rng.chance(0.9);
    const bool byline = rng.chance(0.7);
    if (rng.chance(0.5)) {
      if (date) s.header.push_back(Header::kDate);
      if (byline) s.header.push_back(Header::kByline);
    } else {
      if (byline) s.header.push_back(Header::kByline);
      if (date) s.header.push_back(Header::kDate);
    }
    if (rng.chance(0.3)) s.header.push_back(Header::kReadTime);
    for (Footer f : {Footer::kShare, Footer::kRelated, Footer::kNewsletter,
                     Footer::kTags, Footer::kComments}) {
      const double p[] = {0.7, 0.7, 0.5, 0.3, 0.2};
      if (rng.chance(p[static_cast<int>(f)])) s.footer.push_back(f);
    }
    for (size_t i = s.footer.size(); i > 1; --i) {
      std::swap(s.footer[i - 1], s.footer[rng.below(i)]);
    }
    if (rng.chance(0.6)) s.footer.push_back(Footer::kLinks);
    s.footer.push_back(Footer::kCopyright);
    if (rng.chance(0.3)) s.footer.push_back(Footer::kBackToTop);
    sites_.push_back(std::move(s));
  }
}

uint32_t SiteCatalog::size() const {
  return static_cast<uint32_t>(sites_.size());
}

const std::string& SiteCatalog::name(uint32_t site) const {
  return sites_[site].name;
}

namespace {

std::string date_line(int style, Rng& rng) {
  const uint64_t year = rng.between(2019, 2025);
  const uint64_t month = rng.below(12);
  const uint64_t day = rng.between(1, 28);
  const std::string hh = two_digits(rng.below(24));
  const std::string mm = two_digits(rng.below(60));
  const std::string y = std::to_string(year);
  const std::string d = std::to_string(day);
  const std::string_view name = kMonths[month];
  switch (style) {
    case 0:
      return "Published " + d + " " + std::string(name) + " " + y;
    case 1:
      return std::string(name.substr(0, 3)) + " " + d + ", " + y + " " + hh +
             ":" + mm + " GMT";
    case 2:
      return y + "-" + two_digits(month + 1) + "-" + two_digits(day) + " " +
             hh + ":" + mm;
    case 3:
      return "Updated " + d + " " + std::string(name) + " " + y + ", " + hh +
             ":" + mm + " ET";
    case 4:
      return std::string(name) + " " + d + ", " + y;
    default:
      return "Posted " + two_digits(day) + "/" + two_digits(month + 1) + "/" +
             y + " at " + hh + ":" + mm;
  }
}

// One draw per statement: the operands of + are not sequenced, so two draws
// in one expression could happen in either order, depending on the compiler.
std::string person(Rng& rng) {
  std::string name(pick(rng, kFirstNames));
  name += ' ';
  name += pick(rng, kLastNames);
  return name;
}

std::string byline(int style, const std::string& site, Rng& rng) {
  const std::string name = person(rng);
  switch (style) {
    case 0:
      return "By " + name;
    case 1:
      return "By " + name + ", " + site + " staff";
    case 2:
      return name + " | " + std::string(pick(rng, kRoles));
    case 3: {
      const std::string second = person(rng);
      return "By " + name + " and " + second;
    }
    default:
      return "Written by " + name + ", " + std::string(pick(rng, kRoles));
  }
}

std::string headline(Rng& rng) {
  std::string line(pick(rng, kSubjects));
  line += ' ';
  line += pick(rng, kVerbs);
  line += pick(rng, kTails);
  return line;
}

std::string credit_line(int style, const std::string& site) {
  switch (style) {
    case 0:
      return "This article was first published by " + site + ".";
    case 1:
      return "Originally published by " + site +
             ". Republished with permission.";
    case 2:
      return "Source: " + site;
    default:
      return "This story first appeared on " + site +
             " and is republished here under licence.";
  }
}

}  // namespace

Page SiteCatalog::page(uint32_t site_index, Rng& rng,
                       const std::string* credit_site) const {
  const Site& s = sites_[site_index];
  Page page;
  auto header_line = [&page](const std::string& line) {
    page.header += line;
    page.header += '\n';
  };
  auto footer_line = [&page](const std::string& line) {
    page.footer += '\n';
    page.footer += line;
  };
  for (Header h : s.header) {
    switch (h) {
      case Header::kUtility:
        header_line(s.utility);
        break;
      case Header::kMasthead:
        header_line(s.masthead);
        break;
      case Header::kNav:
        header_line(s.nav);
        break;
      case Header::kCookie:
        header_line(s.cookie);
        break;
      case Header::kCrumbs: {
        const std::string& section = s.sections[rng.below(s.sections.size())];
        header_line("Home > " + (section == "Home" ? "" : section + " > ") +
                    std::string(pick(rng, kTopics)));
        break;
      }
      case Header::kDate:
        header_line(date_line(s.date_style, rng));
        break;
      case Header::kByline:
        header_line(byline(s.byline_style, s.name, rng));
        break;
      case Header::kReadTime:
        header_line(rng.chance(0.5)
                        ? std::to_string(rng.between(2, 9)) + " min read"
                        : "Listen to this article (" +
                              std::to_string(rng.between(2, 9)) + " min)");
        break;
    }
  }
  if (credit_site != nullptr && s.credit_in_header) {
    header_line(credit_line(s.credit_style, *credit_site));
  }
  if (credit_site != nullptr && !s.credit_in_header) {
    footer_line(credit_line(s.credit_style, *credit_site));
  }
  for (Footer f : s.footer) {
    switch (f) {
      case Footer::kShare:
        footer_line(s.share);
        break;
      case Footer::kRelated: {
        footer_line(s.related_heading);
        const uint64_t n = rng.between(2, 4);
        for (uint64_t i = 0; i < n; ++i) {
          footer_line(s.related_prefix + headline(rng));
        }
        break;
      }
      case Footer::kNewsletter:
        footer_line(s.newsletter);
        break;
      case Footer::kTags: {
        std::string tags = "Topics: ";
        for (size_t i :
             pick_distinct(rng, std::size(kTopics), rng.between(2, 4))) {
          if (tags.size() > 8) tags += ", ";
          tags += kTopics[i];
        }
        footer_line(tags);
        break;
      }
      case Footer::kComments: {
        const std::string n = std::to_string(rng.between(1, 250));
        switch (s.comments_style) {
          case 0:
            footer_line("Comments are closed for this article.");
            break;
          case 1:
            footer_line(n + " comments");
            break;
          case 2:
            footer_line("Join the conversation: " + n + " comments");
            break;
          default:
            footer_line("Comments (" + n + ")");
            break;
        }
        break;
      }
      case Footer::kLinks:
        footer_line(s.links);
        break;
      case Footer::kCopyright:
        footer_line(s.copyright);
        break;
      case Footer::kBackToTop:
        footer_line("Back to top");
        break;
    }
  }
  return page;
}

}  // namespace neardup::gen
