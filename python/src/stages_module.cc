// neardup._stages: the stage functions of core/src/dist/stages.h for the
// Dask driver (neardup/dask.py). Internal: arguments and results are bytes
// and NumPy arrays, never a Python object per document. Heavy calls release
// the GIL. Errors: ValueError (options), FileNotFoundError, OSError.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dist/stages.h"
#include "neardup/lsh.h"
#include "neardup/options.h"
#include "neardup/pipeline.h"
#include "status_error.h"
#include "write/byte_sink.h"

namespace py = pybind11;

namespace neardup::internal {

namespace {

template <typename T>
using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;

// Corruption is an OSError here: it names an input that changed or is
// damaged, as the driver reports it.
[[noreturn]] void raise_status(const Status& status) {
  python::raise_status(status, PyExc_OSError);
}

void check(const Status& status) {
  if (!status.ok()) raise_status(status);
}

template <typename T>
T take(Result<T>&& result) {
  if (!result.ok()) raise_status(result.status());
  return std::move(result).value();
}

// A NumPy array that owns `values` (no copy), of `shape`.
template <typename T>
py::array_t<T> to_numpy(std::vector<T>&& values,
                        std::vector<py::ssize_t> shape = {}) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule owner(owned,
                    [](void* p) { delete static_cast<std::vector<T>*>(p); });
  if (shape.empty()) shape = {static_cast<py::ssize_t>(owned->size())};
  return py::array_t<T>(shape, owned->data(), owner);
}

template <typename T>
std::span<const T> span_of(const Array<T>& a) {
  return {a.data(), static_cast<size_t>(a.size())};
}

std::string_view view_of(const py::bytes& b) {
  char* data = nullptr;
  py::ssize_t size = 0;
  PyBytes_AsStringAndSize(b.ptr(), &data, &size);
  return {data, static_cast<size_t>(size)};
}

template <typename E>
E parse_name(const py::handle& value, const char* option,
             std::initializer_list<std::pair<const char*, E>> names) {
  const std::string name = py::str(value);
  for (const auto& [n, e] : names) {
    if (name == n) return e;
  }
  throw py::value_error(std::string("bad ") + option + ": " + name);
}

// Sets one option of the CLI's name (with '_' for '-').
void set_option(const std::string& key, const py::handle& v, DedupOptions* o) {
  MinHashOptions& m = o->minhash;
  if (key == "threshold") {
    m.threshold = v.cast<double>();
  } else if (key == "signature_length") {
    m.signature_length = v.cast<int>();
  } else if (key == "bands") {
    m.bands = v.cast<int>();
  } else if (key == "rows") {
    m.rows = v.cast<int>();
  } else if (key == "fp_weight") {
    m.false_positive_weight = v.cast<double>();
  } else if (key == "fn_weight") {
    m.false_negative_weight = v.cast<double>();
  } else if (key == "bound_ratio") {
    m.bound_ratio = v.cast<double>();
  } else if (key == "shingle_words") {
    o->text.shingle_words = v.cast<int>();
  } else if (key == "min_line_words") {
    o->text.min_line_words = v.cast<int>();
  } else if (key == "short_text_words") {
    o->text.short_text_words = v.cast<int>();
  } else if (key == "max_distance") {
    o->max_hamming_distance = v.cast<int>();
  } else if (key == "text_field") {
    o->text_field = v.cast<std::string>();
  } else if (key == "id_field") {
    o->id_field = v.cast<std::string>();
  } else if (key == "max_line_bytes") {
    o->max_line_bytes = v.cast<size_t>();
  } else if (key == "chunk_bytes") {
    o->chunk_bytes = v.cast<size_t>();
  } else if (key == "algo") {
    o->algorithm = parse_name<Algorithm>(
        v, "algo",
        {{"minhash", Algorithm::kMinHash}, {"simhash", Algorithm::kSimHash}});
  } else if (key == "verify") {
    m.verification =
        parse_name<Verification>(v, "verify",
                                 {{"borderline", Verification::kBorderline},
                                  {"estimate", Verification::kEstimate},
                                  {"exact", Verification::kExact}});
  } else if (key == "clustering") {
    o->clustering = parse_name<Clustering>(
        v, "clustering",
        {{"bounded", Clustering::kBounded},
         {"components", Clustering::kConnectedComponents},
         {"representative", Clustering::kRepresentative}});
  } else if (key == "mode") {
    o->mode = parse_name<Mode>(
        v, "mode", {{"copies", Mode::kCopies}, {"story", Mode::kStory}});
  } else {
    throw py::type_error("unknown dedup option: " + key);
  }
}

// The options of a dict of CLI option names; None keeps the default.
DedupOptions options_of(const py::dict& given) {
  DedupOptions options;
  for (const auto& [key, value] : given) {
    if (!value.is_none()) set_option(py::str(key), value, &options);
  }
  check(validate(options));
  return options;
}

PartitionPlace place_of(const py::tuple& t) {
  if (t.size() != 6) throw py::value_error("a place has 6 fields");
  return {t[0].cast<std::string>(), t[1].cast<std::string>(),
          t[2].cast<uint64_t>(),    t[3].cast<uint64_t>(),
          t[4].cast<uint64_t>(),    t[5].cast<uint64_t>()};
}

py::dict describe(const py::dict& given) {
  const DedupOptions o = options_of(given);
  const MinHashBounds b = minhash_bounds(o);
  py::dict d;
  d["mode"] = std::string(mode_name(o.mode));
  d["algo"] = std::string(algorithm_name(o.algorithm));
  d["clustering"] = std::string(clustering_name(o.clustering));
  d["verify"] = std::string(verification_name(o.minhash.verification));
  d["threshold"] = o.minhash.threshold;
  d["max_distance"] = o.max_hamming_distance;
  d["bound_ratio"] = o.minhash.bound_ratio;
  for (auto [name, v] : {std::pair{"signature_length", b.length},
                         {"bands", b.bands},
                         {"rows", b.rows},
                         {"keep", b.keep},
                         {"sure", b.sure},
                         {"need", b.need},
                         {"join", b.join}}) {
    d[name] = v;
  }
  return d;
}

py::dict sketch(const py::dict& given, const py::tuple& t) {
  const DedupOptions options = options_of(given);
  const PartitionPlace place = place_of(t);
  Result<PartitionSketch> result = [&] {
    py::gil_scoped_release release;
    return sketch_partition(options, place);
  }();
  PartitionSketch s = take(std::move(result));
  const auto n = static_cast<py::ssize_t>(s.id_ends.size());
  py::dict d;
  d["lines"] = s.lines;
  d["ids"] = py::bytes(s.ids);
  d["id_ends"] = to_numpy(std::move(s.id_ends));
  if (options.algorithm == Algorithm::kMinHash) {
    d["sketches"] = to_numpy(std::move(s.signatures),
                             {n, options.minhash.signature_length});
    const auto checks =
        static_cast<py::ssize_t>(sketch_record_bytes(options.minhash) -
                                 options.minhash.signature_length);
    d["band_checks"] = to_numpy(std::move(s.band_checks), {n, checks});
  } else {
    d["sketches"] = to_numpy(std::move(s.fingerprints));
  }
  d["empty"] = to_numpy(std::move(s.empty));
  d["doc_lines"] = to_numpy(std::move(s.doc_lines));
  d["offsets"] = to_numpy(std::move(s.offsets));
  d["rejects"] = py::bytes(s.rejects);
  d["rejected_by_reason"] = std::vector<uint64_t>(s.rejected_by_reason.begin(),
                                                  s.rejected_by_reason.end());
  return d;
}

py::tuple bands(const Array<uint8_t>& signatures,
                const Array<uint8_t>& band_checks, const Array<uint8_t>& empty,
                int bands, int rows) {
  std::vector<uint64_t> keys;
  std::vector<uint32_t> docs;
  const int length =
      signatures.ndim() == 2 ? static_cast<int>(signatures.shape(1)) : 0;
  if (band_checks.size() !=
      empty.size() * static_cast<py::ssize_t>(kBandCheckBytes) * bands) {
    throw py::value_error("band_entries: band_checks do not fit the bands");
  }
  {
    py::gil_scoped_release release;
    band_entries(span_of(signatures), length, span_of(band_checks),
                 span_of(empty), bands, rows, &keys, &docs);
  }
  return py::make_tuple(to_numpy(std::move(keys)), to_numpy(std::move(docs)));
}

py::array_t<uint64_t> pairs_of_buckets(const Array<uint64_t>& keys,
                                       const Array<uint32_t>& docs) {
  std::vector<uint64_t> pairs;
  {
    py::gil_scoped_release release;
    pairs = bucket_pairs(span_of(keys), span_of(docs));
  }
  return to_numpy(std::move(pairs));
}

py::array_t<int64_t> order_by_bucket(const Array<int64_t>& buckets,
                                     size_t num_buckets) {
  for (int64_t b : span_of(buckets)) {
    if (b < 0 || static_cast<size_t>(b) >= num_buckets) {
      throw py::value_error("bucket_order: bucket out of range");
    }
  }
  std::vector<int64_t> order;
  {
    py::gil_scoped_release release;
    order = bucket_order(span_of(buckets), num_buckets);
  }
  return to_numpy(std::move(order));
}

py::array_t<uint16_t> equal_of_rows(const Array<uint8_t>& a,
                                    const Array<uint8_t>& b) {
  if (a.ndim() != 2 || b.ndim() != 2 || a.shape(0) != b.shape(0) ||
      a.shape(1) != b.shape(1)) {
    throw py::value_error("equal_rows: two (n, K) arrays");
  }
  std::vector<uint16_t> equal;
  {
    py::gil_scoped_release release;
    equal_rows(span_of(a), span_of(b), static_cast<int>(a.shape(1)), &equal);
  }
  return to_numpy(std::move(equal));
}

py::array_t<uint16_t> equal_of_indexed_rows(const Array<uint8_t>& a,
                                            const Array<int64_t>& a_rows,
                                            const Array<uint8_t>& b,
                                            const Array<int64_t>& b_rows) {
  if (a.ndim() != 2 || b.ndim() != 2 || a.shape(1) != b.shape(1)) {
    throw py::value_error("equal_rows_indexed: two (n, K) arrays");
  }
  std::vector<uint16_t> equal;
  Status status;
  {
    py::gil_scoped_release release;
    status = equal_rows_indexed(span_of(a), span_of(a_rows), span_of(b),
                                span_of(b_rows), static_cast<int>(a.shape(1)),
                                &equal);
  }
  if (!status.ok()) throw py::value_error(status.message());
  return to_numpy(std::move(equal));
}

py::tuple shingle_sets(const py::dict& given, const py::tuple& t,
                       const Array<uint64_t>& lines,
                       const Array<uint64_t>& offsets) {
  const DedupOptions options = options_of(given);
  const PartitionPlace place = place_of(t);
  Result<ShingleSets> result = [&] {
    py::gil_scoped_release release;
    return read_shingle_sets(options, place, span_of(lines), span_of(offsets));
  }();
  ShingleSets sets = take(std::move(result));
  return py::make_tuple(to_numpy(std::move(sets.values)),
                        to_numpy(std::move(sets.ends)));
}

py::array_t<uint8_t> accept_exact(const Array<uint64_t>& a_values,
                                  const Array<uint64_t>& a_ends,
                                  const Array<uint64_t>& b_values,
                                  const Array<uint64_t>& b_ends,
                                  double threshold) {
  if (a_ends.size() != b_ends.size()) {
    throw py::value_error("exact_accept: as many sets on both sides");
  }
  ShingleSets a, b;
  a.values.assign(a_values.data(), a_values.data() + a_values.size());
  a.ends.assign(a_ends.data(), a_ends.data() + a_ends.size());
  b.values.assign(b_values.data(), b_values.data() + b_values.size());
  b.ends.assign(b_ends.data(), b_ends.data() + b_ends.size());
  std::vector<uint8_t> accept;
  {
    py::gil_scoped_release release;
    accept = exact_accept(a, b, threshold);
  }
  return to_numpy(std::move(accept));
}

py::tuple forest(const Array<uint32_t>& a, const Array<uint32_t>& b) {
  if (a.size() != b.size()) throw py::value_error("star_forest: a, b sizes");
  StarForest f;
  {
    py::gil_scoped_release release;
    f = star_forest(span_of(a), span_of(b));
  }
  return py::make_tuple(to_numpy(std::move(f.nodes)),
                        to_numpy(std::move(f.roots)));
}

py::tuple cluster(const py::dict& given, const Array<uint32_t>& docs,
                  const Array<uint8_t>& sketches, const Array<uint32_t>& a,
                  const Array<uint32_t>& b) {
  const DedupOptions options = options_of(given);
  const MinHashBounds bounds = minhash_bounds(options);
  const size_t row = options.algorithm == Algorithm::kSimHash
                         ? sizeof(uint64_t)
                         : static_cast<size_t>(bounds.length);
  if (static_cast<size_t>(sketches.size()) != docs.size() * row ||
      a.size() != b.size()) {
    throw py::value_error("cluster_components: array sizes");
  }
  std::vector<uint32_t> rep, measure;
  {
    py::gil_scoped_release release;
    cluster_components(options, bounds, span_of(docs), span_of(sketches),
                       span_of(a), span_of(b), &rep, &measure);
  }
  return py::make_tuple(to_numpy(std::move(rep)), to_numpy(std::move(measure)));
}

py::bytes clusters_text(const py::bytes& ids, const Array<uint64_t>& id_ends,
                        bool simhash, int signature_length,
                        const Array<uint32_t>& members,
                        const Array<uint8_t>& rep_is_self,
                        const Array<uint32_t>& measure,
                        const py::bytes& rep_ids,
                        const Array<uint64_t>& rep_id_ends) {
  const ClusterUpdates updates{span_of(members), span_of(rep_is_self),
                               span_of(measure), view_of(rep_ids),
                               span_of(rep_id_ends)};
  std::string text;
  {
    py::gil_scoped_release release;
    text = format_clusters(view_of(ids), span_of(id_ends), simhash,
                           signature_length, updates);
  }
  return py::bytes(text);
}

py::bytes lines_text(const py::dict& given, const py::tuple& t,
                     const Array<uint64_t>& lines) {
  const DedupOptions options = options_of(given);
  const PartitionPlace place = place_of(t);
  Result<std::string> result = [&] {
    py::gil_scoped_release release;
    return partition_lines(options, place, span_of(lines));
  }();
  return py::bytes(take(std::move(result)));
}

// Strings i of `indexes` from a concatenation `blob` with `ends`.
py::tuple gather_strings(const py::bytes& blob, const Array<uint64_t>& ends,
                         const Array<int64_t>& indexes) {
  const std::string_view all = view_of(blob);
  std::string out;
  std::vector<uint64_t> out_ends;
  out_ends.reserve(indexes.size());
  for (int64_t i : span_of(indexes)) {
    if (i < 0 || i >= ends.size()) throw py::index_error("gather_strings");
    const uint64_t begin = i == 0 ? 0 : ends.data()[i - 1];
    out.append(all.substr(begin, ends.data()[i] - begin));
    out_ends.push_back(out.size());
  }
  return py::make_tuple(py::bytes(out), to_numpy(std::move(out_ends)));
}

// Items i of `indexes` of a ragged array (values, ends) as a new one.
py::tuple ragged_take(const Array<uint64_t>& values,
                      const Array<uint64_t>& ends,
                      const Array<int64_t>& indexes) {
  const std::span<const uint64_t> all = span_of(values);
  const std::span<const uint64_t> end = span_of(ends);
  for (int64_t i : span_of(indexes)) {
    if (i < 0 || static_cast<size_t>(i) >= end.size()) {
      throw py::index_error("ragged_take");
    }
  }
  std::vector<uint64_t> out;
  std::vector<uint64_t> out_ends;
  {
    py::gil_scoped_release release;
    out_ends.reserve(indexes.size());
    size_t total = 0;
    for (int64_t i : span_of(indexes)) {
      total += end[i] - (i == 0 ? 0 : end[i - 1]);
      out_ends.push_back(total);
    }
    out.reserve(total);
    for (int64_t i : span_of(indexes)) {
      const uint64_t begin = i == 0 ? 0 : end[i - 1];
      if (end[i] < begin || end[i] > all.size()) continue;
      out.insert(out.end(), all.begin() + begin, all.begin() + end[i]);
    }
  }
  if (out.size() != (out_ends.empty() ? 0 : out_ends.back())) {
    throw py::value_error("ragged_take: bad ends");
  }
  return py::make_tuple(to_numpy(std::move(out)),
                        to_numpy(std::move(out_ends)));
}

py::dict equal_prints(const Array<uint64_t>& prints,
                      const Array<uint32_t>& docs) {
  FingerprintBucket g;
  {
    py::gil_scoped_release release;
    g = group_equal_fingerprints(span_of(prints), span_of(docs));
  }
  py::dict d;
  d["pair_a"] = to_numpy(std::move(g.pair_a));
  d["pair_b"] = to_numpy(std::move(g.pair_b));
  d["unique"] = to_numpy(std::move(g.unique));
  d["first_doc"] = to_numpy(std::move(g.first_doc));
  d["count"] = to_numpy(std::move(g.count));
  return d;
}

py::tuple tables_of(int max_distance, int blocks,
                    const Array<uint64_t>& prints) {
  std::vector<uint16_t> tables;
  std::vector<uint64_t> keys;
  check(table_entries(max_distance, blocks, span_of(prints), &tables, &keys));
  return py::make_tuple(to_numpy(std::move(tables)), to_numpy(std::move(keys)));
}

py::tuple pairs_of_tables(int max_distance, int blocks,
                          const Array<uint16_t>& tables,
                          const Array<uint64_t>& prints,
                          const Array<uint32_t>& first_docs) {
  std::vector<uint32_t> a, b;
  Status s;
  {
    py::gil_scoped_release release;
    s = table_pairs(max_distance, blocks, span_of(tables), span_of(prints),
                    span_of(first_docs), &a, &b);
  }
  check(s);
  return py::make_tuple(to_numpy(std::move(a)), to_numpy(std::move(b)));
}

// An output file written atomically, compressed by extension if asked.
class Sink {
 public:
  Sink(const std::string& path, bool compress)
      : sink_(take(open_sink(path, compress))) {}
  void append(const py::bytes& bytes) { check(sink_->append(view_of(bytes))); }
  void commit() { check(sink_->commit()); }

 private:
  std::unique_ptr<ByteSink> sink_;
};

void define_stages(py::module_& m) {
  m.def("describe", &describe, "The options' derived settings, as a dict.");
  m.def("plan_input", [](const std::string& path, uint64_t partition_bytes) {
    InputPlan p = take(plan_input(path, partition_bytes));
    return py::make_tuple(p.compressed, p.size_bytes,
                          to_numpy(std::move(p.bounds)));
  });
  m.def("count_lines", [](const py::tuple& t) {
    const PartitionPlace place = place_of(t);
    Result<uint64_t> lines = [&] {
      py::gil_scoped_release release;
      return count_lines(place);
    }();
    return take(std::move(lines));
  });
  m.def("sketch_partition", &sketch);
  m.def("band_entries", &bands);
  m.def("bucket_pairs", &pairs_of_buckets);
  m.def("bucket_order", &order_by_bucket);
  m.def("equal_rows", &equal_of_rows);
  m.def("equal_rows_indexed", &equal_of_indexed_rows);
  m.def("read_shingle_sets", &shingle_sets);
  m.def("exact_accept", &accept_exact);
  m.def("star_forest", &forest);
  m.def("cluster_components", &cluster);
  m.def("format_clusters", &clusters_text);
  m.def("partition_lines", &lines_text);
  m.def("gather_strings", &gather_strings);
  m.def("ragged_take", &ragged_take);
  m.def("group_equal_fingerprints", &equal_prints);
  m.def("simhash_blocks", &simhash_blocks);
  m.def("table_entries", &tables_of);
  m.def("table_pairs", &pairs_of_tables);
  m.def("reject_reason_names", [] {
    std::vector<std::string> names;
    for (int r = 0; r < kNumRejectReasons; ++r) {
      names.emplace_back(reject_reason_name(static_cast<RejectReason>(r)));
    }
    return names;
  });
  py::class_<Sink>(m, "Sink")
      .def(py::init<const std::string&, bool>())
      .def("append", &Sink::append)
      .def("commit", &Sink::commit);
}

}  // namespace

}  // namespace neardup::internal

PYBIND11_MODULE(_stages, m) {
  m.doc() =
      "Internal: the stages of neardup.dask (see core/src/dist/stages.h).";
  neardup::internal::define_stages(m);
}
