// A downstream program built against an installed neardup through
// find_package(neardup): the install and export rules are part of the API.

#include <neardup/neardup.h>

#include <iostream>

int main() {
  neardup::Result<neardup::Fingerprint> f =
      neardup::simhash64_text("an ingestion job calls neardup", {});
  if (!f.ok()) return 1;
  std::cout << std::hex << *f << "\n";
  return 0;
}
