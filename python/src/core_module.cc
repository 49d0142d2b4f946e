// File: python/src/core_module.cc
//
// neardup._core: Python bindings of neardup's public C++ API (<neardup/...>
// headers only), with pybind11. `import neardup` re-exports them.
//
// - Options are keyword arguments with the command line's names
//   (options_from_kwargs); DedupOptions fields without a flag keep their own
//   names, story ones with a story_ prefix.
// - A non-OK Status becomes a Python exception with its message
//   (raise_status).
// - Batch calls take NumPy arrays, allocate their output arrays once and fill
//   them in place, and run the C++ work with the GIL released. Texts are read
//   in place (a str's UTF-8 form, a bytes object's buffer); the objects are
//   referenced until the call returns.
// - A Sketcher refuses a second caller while one is in a call (RuntimeError):
//   nobody waits for it. An Index takes a shared lock for queries and an
//   exclusive one for writes. A thread never waits for the Index's lock while
//   holding the GIL (lock_with_gil releases it to wait), and batch calls hold
//   the lock only while the GIL is released, so the two cannot deadlock.
//
// The docstrings are repeated in python/neardup/_core.pyi, and
// python/tests/test_core.py checks that the two agree.
//
// Example (Python):
//   sketcher = neardup.Sketcher(threshold=0.5)
//   sketches, empty = sketcher.sketch_batch(["a text", "another text"])
//
// A MinHash sketch is, in Python, the record the Index stores: the K
// signature bytes, then kBandCheckBytes check bytes per LSH band
// (core/FORMAT.md section 8), a (K + 2 * bands,) uint8 array.

#include <neardup/index.h>
#include <neardup/lsh.h>
#include <neardup/minhash.h>
#include <neardup/options.h>
#include <neardup/pipeline.h>
#include <neardup/sketch.h>
#include <neardup/status.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "status_error.h"

namespace py = pybind11;

namespace neardup::python {
namespace {

// ---- Errors ----

// neardup.CorruptionError, neardup.Match and neardup.LshParams: created at
// import and referenced for the life of the process.
PyObject* corruption_error_type = nullptr;
PyObject* match_type = nullptr;
PyObject* lsh_params_type = nullptr;

// The Python exception of a non-OK `status` (status_error.h), with
// neardup.CorruptionError for kCorruption. REQUIRES: the GIL is held.
[[noreturn]] void raise_status(const Status& status) {
  python::raise_status(status, corruption_error_type);
}

void check(const Status& status) {
  if (!status.ok()) raise_status(status);
}

[[noreturn]] void raise_type(std::string_view what, std::string_view expected,
                             py::handle value) {
  throw py::type_error(std::string(what) + ": expected " +
                       std::string(expected) + ", got " +
                       Py_TYPE(value.ptr())->tp_name);
}

// ---- Python values to C++ ----

// An int, or anything with __index__ (NumPy integers), but not a bool.
// ValueError if it does not fit in T.
template <typename T>
T to_integer(py::handle value, std::string_view what) {
  if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr())) {
    raise_type(what, "an int", value);
  }
  const auto index =
      py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) throw py::error_already_set();
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  if (overflow != 0 || std::cmp_less(v, std::numeric_limits<T>::min()) ||
      std::cmp_greater(v, std::numeric_limits<T>::max())) {
    throw py::value_error(std::string(what) + " = " +
                          std::string(py::str(value)) + " is out of range");
  }
  return static_cast<T>(v);
}

// An int or a float (or a NumPy number), but not a bool.
double to_double(py::handle value, std::string_view what) {
  if (PyBool_Check(value.ptr()) || !PyNumber_Check(value.ptr())) {
    raise_type(what, "a number", value);
  }
  const double v = PyFloat_AsDouble(value.ptr());
  if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

// A str, bytes or os.PathLike, as os.fsdecode() gives it.
std::string to_std_string(py::handle value, std::string_view what) {
  if (!PyUnicode_Check(value.ptr()) && !PyBytes_Check(value.ptr()) &&
      !py::hasattr(value, "__fspath__")) {
    raise_type(what, "a str or os.PathLike", value);
  }
  return py::cast<std::string>(
      py::module_::import("os").attr("fsdecode")(value));
}

// The values of each enumeration option and their command-line names.
template <typename E>
struct EnumNames;
template <>
struct EnumNames<Algorithm> {
  static constexpr Algorithm kValues[] = {Algorithm::kMinHash,
                                          Algorithm::kSimHash};
  static std::string_view name(Algorithm v) { return algorithm_name(v); }
};
template <>
struct EnumNames<Clustering> {
  static constexpr Clustering kValues[] = {Clustering::kBounded,
                                           Clustering::kConnectedComponents,
                                           Clustering::kRepresentative};
  static std::string_view name(Clustering v) { return clustering_name(v); }
};
template <>
struct EnumNames<Verification> {
  static constexpr Verification kValues[] = {
      Verification::kBorderline, Verification::kEstimate, Verification::kExact};
  static std::string_view name(Verification v) { return verification_name(v); }
};
template <>
struct EnumNames<DuplicateIds> {
  static constexpr DuplicateIds kValues[] = {DuplicateIds::kKeep,
                                             DuplicateIds::kReject};
  static std::string_view name(DuplicateIds v) {
    return v == DuplicateIds::kReject ? "reject" : "keep";
  }
};
template <>
struct EnumNames<Mode> {
  static constexpr Mode kValues[] = {Mode::kCopies, Mode::kStory};
  static std::string_view name(Mode v) { return mode_name(v); }
};

// An enumeration option by name, case-insensitive as on the command line.
template <typename E>
E to_enum(py::handle value, std::string_view what) {
  if (!PyUnicode_Check(value.ptr())) raise_type(what, "a str", value);
  std::string name = py::cast<std::string>(value);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string choices;
  for (E v : EnumNames<E>::kValues) {
    if (EnumNames<E>::name(v) == name) return v;
    choices += (choices.empty() ? "'" : ", '");
    choices += EnumNames<E>::name(v);
    choices += "'";
  }
  throw py::value_error(std::string(what) + " must be one of " + choices +
                        ", got '" + name + "'");
}

template <typename T>
T from_python(py::handle value, std::string_view what) {
  if constexpr (std::is_same_v<T, std::string>) {
    return to_std_string(value, what);
  } else if constexpr (std::is_enum_v<T>) {
    return to_enum<T>(value, what);
  } else if constexpr (std::is_floating_point_v<T>) {
    return to_double(value, what);
  } else {
    return to_integer<T>(value, what);
  }
}

template <typename T>
py::object to_python(const T& value) {
  if constexpr (std::is_enum_v<T>) {
    return py::str(std::string(EnumNames<T>::name(value)));
  } else {
    return py::cast(value);
  }
}

// ---- Options ----

// One keyword option: its name and how to set and read its DedupOptions
// field.
struct OptionField {
  const char* name;
  std::function<void(DedupOptions*, py::handle)> set;
  std::function<py::object(const DedupOptions&)> get;
};

// `access(options)` returns a reference to the field, of type T.
template <typename T, typename Access>
OptionField make_option(const char* name, Access access) {
  return {name,
          [name, access](DedupOptions* o, py::handle value) {
            access(*o) = from_python<T>(value, name);
          },
          [access](const DedupOptions& o) { return to_python<T>(access(o)); }};
}

// Accessors of options.*field and (options.*part).*field.
template <typename T>
struct Field {
  T DedupOptions::*field;
  T& operator()(DedupOptions& o) const { return o.*field; }
  const T& operator()(const DedupOptions& o) const { return o.*field; }
};
template <typename Part, typename T>
struct NestedField {
  Part DedupOptions::*part;
  T Part::*field;
  T& operator()(DedupOptions& o) const { return (o.*part).*field; }
  const T& operator()(const DedupOptions& o) const { return (o.*part).*field; }
};

template <typename T>
OptionField option(const char* name, T DedupOptions::*field) {
  return make_option<T>(name, Field<T>{field});
}
template <typename Part, typename T>
OptionField option(const char* name, Part DedupOptions::*part, T Part::*field) {
  return make_option<T>(name, NestedField<Part, T>{part, field});
}

// Every DedupOptions field under its command-line name (`dedup --NAME`,
// with '_' for '-'), or, without a flag, its own name (story_ prefixed).
// Results-affecting options first, as in options.h.
const std::vector<OptionField>& option_fields() {
  using O = DedupOptions;
  using M = MinHashOptions;
  using S = StoryOptions;
  using T = TextOptions;
  static const std::vector<OptionField> kFields = {
      option("text_field", &O::text_field),
      option("id_field", &O::id_field),
      option("max_line_bytes", &O::max_line_bytes),
      option("duplicate_ids", &O::duplicate_ids),
      option("shingle_words", &O::text, &T::shingle_words),
      option("min_line_words", &O::text, &T::min_line_words),
      option("short_text_words", &O::text, &T::short_text_words),
      option("mode", &O::mode),
      option("algo", &O::algorithm),
      option("threshold", &O::minhash, &M::threshold),
      option("signature_length", &O::minhash, &M::signature_length),
      option("bands", &O::minhash, &M::bands),
      option("rows", &O::minhash, &M::rows),
      option("fp_weight", &O::minhash, &M::false_positive_weight),
      option("fn_weight", &O::minhash, &M::false_negative_weight),
      option("verify", &O::minhash, &M::verification),
      option("clustering", &O::clustering),
      option("bound_ratio", &O::minhash, &M::bound_ratio),
      option("max_distance", &O::max_hamming_distance),
      option("idf", &O::idf_model_path),
      option("story_similarity", &O::story, &S::min_similarity),
      option("story_terms", &O::story, &S::terms_per_doc),
      option("story_max_df_fraction", &O::story, &S::max_df_fraction),
      option("story_min_stop_df", &O::story, &S::min_stop_df),
      option("story_min_df", &O::story, &S::min_df),
      option("story_edge_similarity", &O::story, &S::edge_similarity),
      option("story_max_posting", &O::story, &S::max_posting),
      option("story_max_edges_per_doc", &O::story, &S::max_edges_per_doc),
      option("story_block_docs", &O::story, &S::block_docs),
      option("threads", &O::threads),
      option("chunk_bytes", &O::chunk_bytes),
      option("memory_limit", &O::memory_limit_bytes),
      option("temp_dir", &O::temp_dir),
  };
  return kFields;
}

const OptionField* find_option(std::string_view name) {
  if (name == "algorithm") name = "algo";  // the C++ name, also accepted
  for (const OptionField& field : option_fields()) {
    if (name == field.name) return &field;
  }
  return nullptr;
}

[[noreturn]] void raise_unknown_option(const std::string& name,
                                       std::string_view callee) {
  py::list names;
  for (const OptionField& field : option_fields()) names.append(field.name);
  const py::list close =
      py::module_::import("difflib").attr("get_close_matches")(name, names, 1);
  std::string message = std::string(callee) +
                        " got an unexpected keyword argument '" + name + "'";
  if (!close.empty()) {
    message += "; did you mean '" + py::cast<std::string>(close[0]) + "'?";
  }
  throw py::type_error(message);
}

// DedupOptions from keyword arguments, defaults for the others, checked by
// validate(): TypeError for an unknown name or a wrong type, ValueError
// (the Status message) for a value out of range.
DedupOptions options_from_kwargs(const py::dict& kwargs,
                                 std::string_view callee) {
  DedupOptions options;
  std::vector<const OptionField*> given;
  for (const auto& [key, value] : kwargs) {
    const std::string name = py::cast<std::string>(key);
    const OptionField* field = find_option(name);
    if (field == nullptr) raise_unknown_option(name, callee);
    if (std::find(given.begin(), given.end(), field) != given.end()) {
      throw py::type_error(std::string(callee) +
                           " got both 'algo' and 'algorithm'");
    }
    given.push_back(field);
    field->set(&options, value);
  }
  check(validate(options));
  return options;
}

py::dict options_to_dict(const DedupOptions& options) {
  py::dict out;
  for (const OptionField& field : option_fields()) {
    out[field.name] = field.get(options);
  }
  return out;
}

// The options an index keeps (those that change sketches and matches).
py::dict index_options_to_dict(const DedupOptions& options) {
  const py::dict all = options_to_dict(options);
  std::vector<const char*> names = {"algo", "shingle_words", "min_line_words",
                                    "short_text_words"};
  if (options.algorithm == Algorithm::kMinHash) {
    names.insert(names.end(),
                 {"signature_length", "threshold", "bands", "rows"});
  } else {
    names.push_back("max_distance");
  }
  py::dict out;
  for (const char* name : names) out[name] = all[name];
  return out;
}

// ---- Texts ----

constexpr size_t kNoIndex = ~size_t{0};

// The UTF-8 bytes of a str (its cached UTF-8 form: no copy for ASCII) or of
// a bytes object, valid while `value` lives. `index` names an item of a
// batch in errors (kNoIndex: none).
std::string_view text_view(py::handle value, const char* what, size_t index) {
  if (PyUnicode_Check(value.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(value.ptr(), &size);
    if (data == nullptr) throw py::error_already_set();
    return {data, static_cast<size_t>(size)};
  }
  if (PyBytes_Check(value.ptr())) {
    char* data = nullptr;
    Py_ssize_t size = 0;
    if (PyBytes_AsStringAndSize(value.ptr(), &data, &size) != 0) {
      throw py::error_already_set();
    }
    return {data, static_cast<size_t>(size)};
  }
  std::string name = what;
  if (index != kNoIndex) name += "[" + std::to_string(index) + "]";
  raise_type(name, "str or bytes", value);
}

// Views of a sequence of str or bytes, and references to the objects that
// keep the views valid while the GIL is released.
struct TextBatch {
  std::vector<py::object> owners;
  std::vector<std::string_view> views;
};

TextBatch text_batch(const py::object& texts, const char* what) {
  if (PyUnicode_Check(texts.ptr()) || PyBytes_Check(texts.ptr())) {
    raise_type(what, "a sequence of str", texts);
  }
  TextBatch batch;
  if (PySequence_Check(texts.ptr())) {
    const Py_ssize_t size = PySequence_Size(texts.ptr());
    if (size > 0) batch.owners.reserve(static_cast<size_t>(size));
  }
  for (py::handle item : py::iter(texts)) {
    batch.owners.push_back(py::reinterpret_borrow<py::object>(item));
    batch.views.push_back(text_view(item, what, batch.views.size()));
  }
  return batch;
}

py::str utf8_str(std::string_view s) {
  PyObject* str = PyUnicode_DecodeUTF8(
      s.data(), static_cast<Py_ssize_t>(s.size()), "surrogateescape");
  if (str == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(str);
}

// ---- Sketches between Python and C++ ----

std::string shape_string(const py::array& array) {
  std::string out = "(";
  for (py::ssize_t d = 0; d < array.ndim(); ++d) {
    if (d > 0) out += ", ";
    out += std::to_string(array.shape(d));
  }
  return out + (array.ndim() == 1 ? ",)" : ")");
}

// `value` as a C-contiguous uint8 array of `ndim` dimensions, the last of
// `length` entries (any if -1): MinHash sketches, records of `signature`
// signature bytes and their band checks (for the error message). Other
// dtypes are not cast (TypeError); another shape is a ValueError.
py::array_t<uint8_t, py::array::c_style> uint8_sketches(const py::object& value,
                                                        py::ssize_t ndim,
                                                        py::ssize_t length,
                                                        py::ssize_t signature,
                                                        const char* what) {
  if (PyLong_Check(value.ptr())) {
    raise_type(what,
               "a uint8 array (a MinHash sketch); SimHashes compare by "
               "(a ^ b).bit_count()",
               value);
  }
  auto array = py::array_t<uint8_t, py::array::c_style>::ensure(value);
  if (!array) raise_type(what, "a uint8 array (MinHash sketches)", value);
  if (array.ndim() != ndim ||
      (length >= 0 && array.shape(ndim - 1) != length)) {
    std::string expected = ndim == 1 ? "(K + 2*bands,)" : "(n, K + 2*bands)";
    if (length >= 0) {
      expected = (ndim == 1 ? "(" : "(n, ") + std::to_string(length) +
                 (ndim == 1 ? ",)" : ")") +
                 " (K = " + std::to_string(signature) +
                 " signature bytes, then " +
                 std::to_string(length - signature) + " band check bytes)";
    }
    throw py::value_error(std::string(what) + ": expected shape " + expected +
                          ", got " + shape_string(array));
  }
  return array;
}

uint64_t to_simhash(const py::object& value, const char* what) {
  if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr())) {
    raise_type(what, "an int (a SimHash)", value);
  }
  const auto index =
      py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) throw py::error_already_set();
  const unsigned long long v = PyLong_AsUnsignedLongLong(index.ptr());
  if (PyErr_Occurred()) {
    PyErr_Clear();
    throw py::value_error(std::string(what) + ": a SimHash is in [0, 2**64)");
  }
  return v;
}

// The C++ sketch of a Python one made with `options`: None (no shingles), a
// (K + 2 * bands,) uint8 array of `record_bytes` bytes, the signature and
// then its band checks (MinHash), or an int (SimHash).
Sketch sketch_from_python(const py::object& value, const DedupOptions& options,
                          size_t record_bytes) {
  Sketch sketch;
  sketch.algorithm = options.algorithm;
  if (value.is_none()) return sketch;
  sketch.empty = false;
  if (options.algorithm == Algorithm::kSimHash) {
    sketch.simhash = to_simhash(value, "sketch");
    return sketch;
  }
  const auto k = static_cast<size_t>(options.minhash.signature_length);
  const auto array =
      uint8_sketches(value, 1, static_cast<py::ssize_t>(record_bytes),
                     static_cast<py::ssize_t>(k), "sketch");
  sketch.signature.assign(array.data(), array.data() + k);
  sketch.band_checks.assign(array.data() + k, array.data() + record_bytes);
  return sketch;
}

py::object sketch_to_python(const Sketch& sketch) {
  if (sketch.empty) return py::none();
  if (sketch.algorithm == Algorithm::kSimHash) return py::int_(sketch.simhash);
  const size_t k = sketch.signature.size();
  py::array_t<uint8_t> out(
      static_cast<py::ssize_t>(k + sketch.band_checks.size()));
  std::memcpy(out.mutable_data(), sketch.signature.data(), k);
  std::memcpy(out.mutable_data() + k, sketch.band_checks.data(),
              sketch.band_checks.size());
  return out;
}

// The arrays of a batch of sketches, checked with the GIL held and read
// without it: MinHash records (n, K + 2 * bands) uint8 or simhashes (n,)
// uint64, and the (n,) bool flags of texts without shingles.
struct SketchArrays {
  py::array sketches;  // keep the data alive
  py::array empty;
  const uint8_t* signatures = nullptr;
  const uint64_t* simhashes = nullptr;
  const bool* is_empty = nullptr;
  size_t n = 0;
  size_t width = 0;  // bytes of a MinHash row
};

// `record_bytes`: the bytes of a MinHash record (Index::sketch_bytes()).
SketchArrays sketch_arrays(const py::object& sketches, const py::object& empty,
                           const DedupOptions& options, size_t record_bytes) {
  SketchArrays a;
  if (options.algorithm == Algorithm::kMinHash) {
    auto signatures =
        uint8_sketches(sketches, 2, static_cast<py::ssize_t>(record_bytes),
                       options.minhash.signature_length, "signatures");
    a.n = static_cast<size_t>(signatures.shape(0));
    a.width = static_cast<size_t>(signatures.shape(1));
    a.signatures = signatures.data();
    a.sketches = std::move(signatures);
  } else {
    auto hashes = py::array_t<uint64_t, py::array::c_style>::ensure(sketches);
    if (!hashes || hashes.ndim() != 1) {
      raise_type("signatures", "an (n,) uint64 array (SimHashes)", sketches);
    }
    a.n = static_cast<size_t>(hashes.shape(0));
    a.simhashes = hashes.data();
    a.sketches = std::move(hashes);
  }
  auto flags =
      py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(
          empty);
  if (!flags) raise_type("empty", "an (n,) bool array", empty);
  if (flags.ndim() != 1 || static_cast<size_t>(flags.shape(0)) != a.n) {
    throw py::value_error("empty: expected shape (" + std::to_string(a.n) +
                          ",), got " + shape_string(flags));
  }
  a.is_empty = flags.data();
  a.empty = std::move(flags);
  return a;
}

// The arrays' sketches as the index's rows, read in place (no copy):
// MinHash records row by row, or SimHashes as 8 little-endian bytes each.
std::span<const uint8_t> sketch_rows(const SketchArrays& a) {
  if (a.signatures != nullptr) return {a.signatures, a.n * a.width};
  return {reinterpret_cast<const uint8_t*>(a.simhashes), a.n * 8};
}

std::span<const uint8_t> empty_flags(const SketchArrays& a) {
  static_assert(sizeof(bool) == 1);
  return {reinterpret_cast<const uint8_t*>(a.is_empty), a.n};
}

// ---- Sketcher ----

// A C++ Sketcher and the sketch it reuses. Like the C++ class, not
// thread-safe: a call while another thread is in one raises RuntimeError.
class PySketcher {
 public:
  explicit PySketcher(const DedupOptions& options) {
    Result<std::unique_ptr<Sketcher>> sketcher = Sketcher::Create(options);
    check(sketcher.status());
    sketcher_ = std::move(sketcher).value();
    if (options.algorithm == Algorithm::kMinHash) {
      record_bytes_ = static_cast<size_t>(sketch_record_bytes(options.minhash));
    }
  }

  const DedupOptions& options() const { return sketcher_->options(); }

  // The bytes of one MinHash sketch, K + 2 * bands (0 for SimHash).
  size_t record_bytes() const { return record_bytes_; }

  py::object sketch(const py::object& text) {
    const std::string_view view = text_view(text, "text", kNoIndex);
    const std::unique_lock<std::mutex> lock = claim();
    check(sketcher_->sketch(view, &sketch_));
    return sketch_to_python(sketch_);
  }

  py::tuple sketch_batch(const py::object& texts);

  py::array_t<uint64_t> shingles(const py::object& text) {
    const std::string_view view = text_view(text, "text", kNoIndex);
    const std::unique_lock<std::mutex> lock = claim();
    check(sketcher_->shingle(view));
    const std::span<const uint64_t> hashes = sketcher_->shingles();
    py::array_t<uint64_t> out(static_cast<py::ssize_t>(hashes.size()));
    std::copy(hashes.begin(), hashes.end(), out.mutable_data());
    return out;
  }

 private:
  std::unique_lock<std::mutex> claim() {
    std::unique_lock<std::mutex> lock(busy_, std::try_to_lock);
    if (!lock.owns_lock()) {
      throw std::runtime_error(
          "this Sketcher is in a call from another thread: make one "
          "Sketcher per thread");
    }
    return lock;
  }

  Status sketch_rows(std::span<const std::string_view> texts, void* out,
                     bool* empty, size_t* failed);

  std::unique_ptr<Sketcher> sketcher_;
  size_t record_bytes_ = 0;
  Sketch sketch_;
  std::mutex busy_;
};

// Sketches texts[i] into row i of `out` ((n, K + 2 * bands) bytes for
// MinHash: the signature, then the band checks; (n,) uint64 for SimHash),
// with empty[i] set and the row zeroed for a text without shingles. Runs
// without the GIL. On error *failed is the text's index.
Status PySketcher::sketch_rows(std::span<const std::string_view> texts,
                               void* out, bool* empty, size_t* failed) {
  const bool minhash = options().algorithm == Algorithm::kMinHash;
  const auto k = static_cast<size_t>(options().minhash.signature_length);
  const size_t width = record_bytes_;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (Status s = sketcher_->sketch(texts[i], &sketch_); !s.ok()) {
      *failed = i;
      return s;
    }
    empty[i] = sketch_.empty;
    if (!minhash) {
      static_cast<uint64_t*>(out)[i] = sketch_.simhash;  // 0 when empty
    } else if (sketch_.empty) {
      std::memset(static_cast<uint8_t*>(out) + i * width, 0, width);
    } else {
      if (sketch_.signature.size() != k ||
          sketch_.band_checks.size() != width - k) {
        *failed = i;
        return Status::Internal(
            "a sketch of " + std::to_string(sketch_.signature.size()) + " + " +
            std::to_string(sketch_.band_checks.size()) + " bytes, expected " +
            std::to_string(width));
      }
      uint8_t* row = static_cast<uint8_t*>(out) + i * width;
      std::memcpy(row, sketch_.signature.data(), k);
      std::memcpy(row + k, sketch_.band_checks.data(), width - k);
    }
  }
  return Status::OK();
}

py::tuple PySketcher::sketch_batch(const py::object& texts) {
  const TextBatch batch = text_batch(texts, "texts");
  const auto n = static_cast<py::ssize_t>(batch.views.size());
  const bool minhash = options().algorithm == Algorithm::kMinHash;
  py::array out = minhash
                      ? py::array(py::array_t<uint8_t>(std::vector<py::ssize_t>{
                            n, static_cast<py::ssize_t>(record_bytes_)}))
                      : py::array(py::array_t<uint64_t>(n));
  py::array_t<bool> empty(n);
  void* out_data = out.mutable_data();
  bool* empty_data = empty.mutable_data();
  Status status;
  size_t failed = 0;
  {
    // The GIL comes back before the Sketcher is released.
    const std::unique_lock<std::mutex> lock = claim();
    py::gil_scoped_release nogil;
    status = sketch_rows(batch.views, out_data, empty_data, &failed);
  }
  if (!status.ok()) {
    raise_status(Status(status.code(), "texts[" + std::to_string(failed) +
                                           "]: " + status.message()));
  }
  return py::make_tuple(out, empty);
}

// ---- Index ----

using ReadLock = std::shared_lock<std::shared_mutex>;
using WriteLock = std::unique_lock<std::shared_mutex>;

// Takes `mu` for a call that keeps the GIL: at once if it is free, else
// with the GIL released while waiting, so that the holder can finish.
template <typename Lock>
Lock lock_with_gil(std::shared_mutex& mu) {
  Lock lock(mu, std::try_to_lock);
  if (!lock.owns_lock()) {
    py::gil_scoped_release nogil;
    lock.lock();
  }
  return lock;
}

py::object make_match(std::string_view key, std::string_view source,
                      const IndexMatch& match) {
  return py::reinterpret_borrow<py::object>(match_type)(
      utf8_str(key), utf8_str(source), match.similarity, match.distance,
      match.entry);
}

// A match with its key and source copied out of the index, to be turned
// into a Python object after the index's lock is released.
struct MatchCopy {
  std::string key;
  std::string source;
  IndexMatch match;
};

std::vector<std::vector<MatchCopy>> copy_matches(
    const Index& index, const std::vector<std::vector<IndexMatch>>& matches) {
  std::vector<std::vector<MatchCopy>> out(matches.size());
  for (size_t i = 0; i < matches.size(); ++i) {
    for (const IndexMatch& m : matches[i]) {
      out[i].push_back({std::string(index.key(m.entry)),
                        std::string(index.source(m.entry)), m});
    }
  }
  return out;
}

py::dict info_to_dict(const IndexInfo& info) {
  py::dict out;
  out["entries"] = info.entries;
  out["empty_entries"] = info.empty_entries;
  out["delta_entries"] = info.delta_entries;
  out["memory_bytes"] = info.memory_bytes;
  out["file_bytes"] = info.file_bytes;
  out["tables"] = info.tables;
  py::list runs;
  for (const IndexInfo::Run& run : info.runs) {
    py::dict r;
    r["file"] = run.file;
    r["entries"] = run.entries;
    r["bytes"] = run.bytes;
    runs.append(r);
  }
  out["runs"] = runs;
  py::dict sources;
  for (const IndexInfo::Source& s : info.sources) {
    sources[utf8_str(s.name)] = s.entries;
  }
  out["sources"] = sources;
  out["options"] = index_options_to_dict(info.options);
  return out;
}

// An Index and the lock that serializes its writers (see the file comment).
class PyIndex {
 public:
  explicit PyIndex(std::unique_ptr<Index> index) : index_(std::move(index)) {}

  static std::unique_ptr<PyIndex> create(const py::kwargs& kwargs) {
    Result<std::unique_ptr<Index>> index =
        Index::Create(options_from_kwargs(kwargs, "Index()"));
    check(index.status());
    return std::make_unique<PyIndex>(std::move(index).value());
  }

  static std::unique_ptr<PyIndex> open(const py::object& path,
                                       const py::kwargs& kwargs) {
    const std::string dir = to_std_string(path, "path");
    std::optional<DedupOptions> expected;
    if (kwargs.size() > 0) {
      expected = options_from_kwargs(kwargs, "Index.open()");
    }
    Result<std::unique_ptr<Index>> index = [&] {
      py::gil_scoped_release nogil;
      return Index::Open(dir, expected ? &*expected : nullptr);
    }();
    check(index.status());
    return std::make_unique<PyIndex>(std::move(index).value());
  }

  const DedupOptions& options() const { return index_->options(); }

  void add(std::string_view key, std::string_view source,
           const py::object& sketch) {
    const Sketch s = to_sketch(sketch);
    const WriteLock lock = lock_with_gil<WriteLock>(mu_);
    check(index_->add(key, source, s));
  }

  void add_batch(const py::object& keys, const std::string& source,
                 const py::object& signatures, const py::object& empty);

  py::list query(const py::object& sketch, size_t limit) const {
    const Sketch s = to_sketch(sketch);
    const ReadLock lock = lock_with_gil<ReadLock>(mu_);
    std::vector<IndexMatch> matches;
    check(index_->query(s, &matches, limit));
    return to_list(matches);
  }

  py::list query_batch(const py::object& signatures, const py::object& empty,
                       size_t limit) const;

  py::list query_or_add(std::string_view key, std::string_view source,
                        const py::object& sketch, size_t limit) {
    const Sketch s = to_sketch(sketch);
    const WriteLock lock = lock_with_gil<WriteLock>(mu_);
    std::vector<IndexMatch> matches;
    check(index_->query_or_add(key, source, s, &matches, limit));
    return to_list(matches);
  }

  void save(const py::object& path) {
    std::optional<std::string> dir;
    if (!path.is_none()) dir = to_std_string(path, "path");
    Status status;
    {
      py::gil_scoped_release nogil;
      const WriteLock lock(mu_);
      status = dir ? index_->save(*dir) : index_->save();
    }
    check(status);
  }

  void compact() {
    Status status;
    {
      py::gil_scoped_release nogil;
      const WriteLock lock(mu_);
      status = index_->compact();
    }
    check(status);
  }

  uint64_t size() const {
    const ReadLock lock = lock_with_gil<ReadLock>(mu_);
    return index_->size();
  }

  py::dict info() const {
    const ReadLock lock = lock_with_gil<ReadLock>(mu_);
    return info_to_dict(index_->info());
  }

 private:
  // A sketch argument: a text is sketched here, with the GIL held all along
  // (which serializes the use of text_sketcher_).
  Sketch to_sketch(const py::object& value) const {
    if (!PyUnicode_Check(value.ptr()) && !PyBytes_Check(value.ptr())) {
      return sketch_from_python(value, options(), index_->sketch_bytes());
    }
    if (!text_sketcher_) {
      Result<std::unique_ptr<Sketcher>> s = Sketcher::Create(options());
      check(s.status());
      text_sketcher_ = std::move(s).value();
    }
    Sketch sketch;
    check(
        text_sketcher_->sketch(text_view(value, "sketch", kNoIndex), &sketch));
    return sketch;
  }

  // REQUIRES: the GIL and the lock are held.
  py::list to_list(const std::vector<IndexMatch>& matches) const {
    py::list out;
    for (const IndexMatch& m : matches) {
      out.append(make_match(index_->key(m.entry), index_->source(m.entry), m));
    }
    return out;
  }

  std::unique_ptr<Index> index_;
  mutable std::unique_ptr<Sketcher> text_sketcher_;
  mutable std::shared_mutex mu_;
};

void PyIndex::add_batch(const py::object& keys, const std::string& source,
                        const py::object& signatures, const py::object& empty) {
  const TextBatch key_batch = text_batch(keys, "keys");
  const SketchArrays arrays =
      sketch_arrays(signatures, empty, options(), index_->sketch_bytes());
  if (key_batch.views.size() != arrays.n) {
    throw py::value_error(
        "add_batch: " + std::to_string(key_batch.views.size()) + " keys and " +
        std::to_string(arrays.n) + " signatures");
  }
  Status status;
  {
    py::gil_scoped_release nogil;
    const WriteLock lock(mu_);
    status = index_->add_rows(key_batch.views, source, sketch_rows(arrays),
                              empty_flags(arrays));
  }
  check(status);
}

py::list PyIndex::query_batch(const py::object& signatures,
                              const py::object& empty, size_t limit) const {
  const SketchArrays arrays =
      sketch_arrays(signatures, empty, options(), index_->sketch_bytes());
  std::vector<std::vector<MatchCopy>> found;
  Status status;
  {
    py::gil_scoped_release nogil;
    std::vector<std::vector<IndexMatch>> matches;
    const ReadLock lock(mu_);
    status = index_->query_rows(sketch_rows(arrays), empty_flags(arrays),
                                &matches, limit);
    if (status.ok()) found = copy_matches(*index_, matches);
  }
  check(status);
  py::list out;
  for (const std::vector<MatchCopy>& row : found) {
    py::list matches;
    for (const MatchCopy& m : row) {
      matches.append(make_match(m.key, m.source, m.match));
    }
    out.append(matches);
  }
  return out;
}

// ---- dedup and helpers ----

// One path or a sequence of paths.
std::vector<std::string> input_paths(const py::object& paths) {
  std::vector<std::string> inputs;
  if (PyUnicode_Check(paths.ptr()) || PyBytes_Check(paths.ptr()) ||
      py::hasattr(paths, "__fspath__")) {
    inputs.push_back(to_std_string(paths, "paths"));
    return inputs;
  }
  for (py::handle path : py::iter(paths)) {
    inputs.push_back(to_std_string(path, "paths[i]"));
  }
  if (inputs.empty()) throw py::value_error("dedup() needs an input path");
  return inputs;
}

std::string output_path(const py::object& value, const char* what) {
  return value.is_none() ? std::string() : to_std_string(value, what);
}

py::object dedup(const py::object& paths, const py::object& clusters,
                 const py::object& output, const py::object& rejects,
                 const py::object& stats, const py::object& pairs,
                 const py::kwargs& kwargs) {
  const DedupOptions options = options_from_kwargs(kwargs, "dedup()");
  const std::vector<std::string> inputs = input_paths(paths);
  DedupOutputs outputs;
  outputs.clusters_path = output_path(clusters, "clusters");
  outputs.output_path = output_path(output, "output");
  outputs.rejects_path = output_path(rejects, "rejects");
  outputs.stats_path = output_path(stats, "stats");
  outputs.pairs_path = output_path(pairs, "pairs");
  Result<DedupStats> result = [&] {
    py::gil_scoped_release nogil;
    return run_dedup(options, inputs, outputs);
  }();
  check(result.status());
  return py::module_::import("json").attr("loads")(stats_to_json(*result));
}

double s_curve(double similarity, int bands, int rows) {
  if (!(similarity >= 0 && similarity <= 1)) {
    throw py::value_error("similarity must be in [0, 1], got " +
                          std::to_string(similarity));
  }
  if (bands < 1 || rows < 1) {
    throw py::value_error("bands and rows must be >= 1");
  }
  return lsh_candidate_probability(similarity, bands, rows);
}

py::object lsh_params(double threshold, int signature_length, double fp_weight,
                      double fn_weight) {
  if (!(threshold > 0 && threshold < 1)) {
    throw py::value_error("threshold must be in (0, 1), got " +
                          std::to_string(threshold));
  }
  if (signature_length < 1 || signature_length > kMaxSignatureLength) {
    throw py::value_error("signature_length must be in [1, " +
                          std::to_string(kMaxSignatureLength) + "], got " +
                          std::to_string(signature_length));
  }
  if (!(fp_weight > 0) || !(fn_weight > 0)) {
    throw py::value_error("fp_weight and fn_weight must be > 0");
  }
  LshParams p;
  {
    py::gil_scoped_release nogil;
    p = optimal_lsh_params(threshold, signature_length, fp_weight, fn_weight);
  }
  return py::reinterpret_borrow<py::object>(lsh_params_type)(
      p.bands, p.rows, p.false_positive_area, p.false_negative_area);
}

// The estimate of two MinHash sketches from their first `signature_length`
// bytes (the signature; the band checks after it do not count).
double similarity(const py::object& a, const py::object& b,
                  const py::object& length) {
  // Without a length, only the default layout is read: 128 signature bytes,
  // alone or followed by the 78 check bytes of the default 39 bands. Any
  // other length could hide check bytes in the comparison.
  const bool given = !length.is_none();
  const int signature_length =
      given ? length.cast<int>() : MinHashOptions().signature_length;
  if (signature_length < 1 || signature_length > kMaxSignatureLength) {
    throw py::value_error("signature_length must be in [1, " +
                          std::to_string(kMaxSignatureLength) + "], got " +
                          std::to_string(signature_length));
  }
  if (a.is_none() || b.is_none()) return 0;
  const auto x = uint8_sketches(a, 1, -1, -1, "a");
  const auto y = uint8_sketches(b, 1, -1, -1, "b");
  if (x.size() != y.size()) {
    throw py::value_error(
        "a and b differ in length: " + std::to_string(x.size()) + " and " +
        std::to_string(y.size()));
  }
  if (!given) {
    const MinHashOptions defaults;
    const py::ssize_t record = sketch_record_bytes(defaults);
    if (x.size() != defaults.signature_length && x.size() != record) {
      throw py::value_error(
          "sketches of " + std::to_string(x.size()) +
          " bytes are not of the default options: pass signature_length "
          "(the sketcher's K) or use Sketcher.similarity()");
    }
  }
  const auto k = static_cast<size_t>(signature_length);
  if (static_cast<size_t>(x.size()) < k) {
    throw py::value_error(
        "a and b have " + std::to_string(x.size()) +
        " bytes, fewer than signature_length = " + std::to_string(k));
  }
  Sketch sa, sb;
  sa.empty = sb.empty = false;
  sa.signature.assign(x.data(), x.data() + k);
  sb.signature.assign(y.data(), y.data() + k);
  return estimated_similarity(sa, sb);
}

// ---- Docstrings (the same text as in _core.pyi) ----

constexpr const char* kModuleDoc =
    R"doc(The compiled core of the neardup package: import neardup instead.)doc";

constexpr const char* kCorruptionErrorDoc =
    R"doc(Malformed data: a damaged, truncated or foreign index file, or
bytes that are not UTF-8 (the C++ status code Corruption). A subclass of
ValueError; the message names the file.)doc";

constexpr const char* kMatchDoc =
    R"doc(Match(key, source, similarity, distance, entry): an indexed
document similar to a query. key and source are what add() was given.
similarity is the estimated Jaccard similarity (MinHash, 0-1) or 1 -
distance / 64 (SimHash). distance is the Hamming distance (SimHash,
0-64) or the number of unequal signature entries (MinHash). entry is the
entry's position in insertion order over the index's life (stable across
save, open, compact).)doc";

constexpr const char* kLshParamsDoc =
    R"doc(LshParams(bands, rows, false_positive_area, false_negative_area):
see optimal_lsh_params().)doc";

constexpr const char* kSketcherDoc =
    R"doc(Turns texts into the sketches `neardup dedup` computes with the
same options (the pipeline runs the same code).

Sketcher(**options): keyword arguments with the command line's names
(see default_options()); those that do not change sketches (verify,
clustering, threads, ...) are accepted and have no effect. TypeError for
an unknown name or a wrong type; ValueError for a value out of range or
mode="story".

A sketch is, with algo="minhash" (the default), a (K + 2*bands,) uint8
array, the record an Index stores: the signature, one byte per MinHash
entry (K = signature_length, 128; core/FORMAT.md section 7), then 2
check bytes per LSH band (section 8; bands as dedup derives them, 39 at
the defaults: 206 bytes). similarity() compares two. With
algo="simhash", a sketch is a Python int in [0, 2**64) (section 6). A
text without shingles (no letters or digits) has no sketch: None. It is
never a near-duplicate of anything.

Not thread-safe: make one Sketcher per thread (a call while another
thread is in one raises RuntimeError). sketch_batch() releases the GIL,
so threads with a Sketcher each sketch in parallel. Pickled as its
options.)doc";

constexpr const char* kSketchDoc =
    R"doc(Returns the sketch of `text` (str, or UTF-8 bytes: the record's
text field after JSON unescaping): a (K + 2*bands,) uint8 array
(MinHash: the signature, then the band checks) or an int (SimHash), or
None if the text has no shingles. CorruptionError for bytes that are not
UTF-8. Keeps the GIL: about 2 us for a 4 KB article.)doc";

constexpr const char* kSketchBatchDoc =
    R"doc(Sketches a sequence of n texts (str or UTF-8 bytes) with the GIL
released; the texts are read in place, not copied.

Returns (signatures, empty). signatures: MinHash, an (n, K + 2*bands)
uint8 array whose row i is sketch(texts[i]) (the signature, then the
band checks); SimHash, an (n,) uint64 array. empty:
an (n,) bool array, True where sketch() gives None (those rows are 0).
Both arrays are allocated once and filled in place. CorruptionError
naming the index of a bytes text that is not UTF-8.)doc";

constexpr const char* kShinglesDoc =
    R"doc(Returns the shingle hashes of `text`: an (m,) uint64 array, in
text order with repeats (core/FORMAT.md section 5); empty if the text
has no letters or digits. Two texts' Jaccard similarity is that of the
sets of their shingle hashes: what exact verification computes.)doc";

constexpr const char* kSketcherOptionsDoc =
    R"doc(The options this Sketcher was made with, as a dict (see
default_options()).)doc";

constexpr const char* kAlgorithmDoc = R"doc("minhash" or "simhash".)doc";

constexpr const char* kSignatureLengthDoc =
    R"doc(K: the entries of a MinHash signature, the first K bytes of a
sketch (the band checks follow).)doc";

constexpr const char* kSketcherSimilarityDoc =
    R"doc(The Jaccard similarity estimated from two MinHash sketches of this
Sketcher: estimated_similarity(a, b, signature_length=K) with its K. In
[0, 1], 0 if either is None. ValueError for arrays of different lengths
or shorter than K; TypeError for a SimHash Sketcher (SimHashes compare
by (a ^ b).bit_count()).)doc";

constexpr const char* kIndexDoc =
    R"doc(A searchable, saved set of sketches: the near-duplicates of a new
document among every document an ingestion job has seen, in this process
or in earlier crawls (C++ neardup::Index).

Index(**options) makes an empty, unsaved index (options as for Sketcher;
mode must be "copies"); Index.open(path) opens a saved one. An entry is
a key (the document's id), a source (the crawl's name) and a sketch. A
sketch argument is what Sketcher.sketch() returns for the index's
options (see sketcher()), None for a text without shingles (it matches
nothing), or the text itself (str or bytes), then sketched here.

MinHash: the entries that share an LSH band with the query and whose
estimated Jaccard similarity reaches the threshold match, as in `neardup
dedup --verify estimate`. SimHash: the entries within max_distance bits.

Thread-safety: queries (query, query_batch, len, info) run concurrently;
writes (add, add_batch, query_or_add, save, compact) wait for exclusive
access. Batch calls, open, save and compact release the GIL.)doc";

constexpr const char* kOpenDoc =
    R"doc(Opens the index saved in directory `path` (str or os.PathLike),
mapping its files and verifying their checksums; nothing is rebuilt.
Releases the GIL.

With options, the index's own (algo, shingle_words, min_line_words,
short_text_words, signature_length, threshold, bands, rows,
max_distance) must equal those the keyword arguments give, with defaults
for the ones not given: ValueError naming the first that differs.
threads then comes from the options. FileNotFoundError if `path` holds
no index; CorruptionError naming the file for a damaged, truncated,
foreign or newer-format file.)doc";

constexpr const char* kAddDoc =
    R"doc(Adds one entry: `key` (the document's id), `source` (the crawl's
name) and `sketch` (see the class). Adding a key again adds a second
entry. ValueError for a sketch of another algorithm or length.)doc";

constexpr const char* kAddBatchDoc =
    R"doc(Adds n entries from one `source`, in order: keys is a sequence of
n str; signatures and empty are what Sketcher.sketch_batch() returns: an
(n, K + 2*bands) uint8 array (MinHash) or an (n,) uint64 array
(SimHash), and an (n,) bool array. On error nothing is added. Releases the GIL.)doc";

constexpr const char* kQueryDoc =
    R"doc(Returns the entries similar to `sketch` as a list of Match, most
similar first, ties in insertion order, at most `limit` of them (0:
all). A bucket (a band value or table key in one run) of more than 4,096
entries contributes its first 4,096. About 4 us for 1M entries.)doc";

constexpr const char* kQueryBatchDoc =
    R"doc(query() for each row of `signatures` (with `empty`, as from
Sketcher.sketch_batch()), on up to `threads` threads with the GIL
released. Returns a list of n lists of Match.)doc";

constexpr const char* kQueryOrAddDoc =
    R"doc(query(), then, if nothing matched, add(): the verdict a stream
needs. An empty list means the document was new and is now indexed.)doc";

constexpr const char* kSaveDoc =
    R"doc(Saves to directory `path`, or without one to the directory the
index was opened from or last saved to: the entries added since become
one new run file, then the manifest is replaced atomically; files
already saved are not rewritten. A new `path` must not already hold an
index (ValueError). RuntimeError if the index was never saved and no
path is given; OSError naming the path if a file cannot be written (the
index on disk is then as before). Releases the GIL.)doc";

constexpr const char* kCompactDoc =
    R"doc(Merges every run and the unsaved entries into one run. The next
save() writes it and removes the files of the runs it replaced. Releases
the GIL.)doc";

constexpr const char* kLenDoc =
    R"doc(The number of entries, those without shingles included.)doc";

constexpr const char* kInfoDoc =
    R"doc(Returns a dict: entries, empty_entries (without shingles),
delta_entries (not yet in a run), memory_bytes, file_bytes, tables
(MinHash bands or SimHash tables), runs (a list of dicts: file, "" if
unsaved; entries; bytes), sources ({name: entries}, in order of first
appearance) and options (those the index keeps).)doc";

constexpr const char* kIndexOptionsDoc =
    R"doc(The index's options, as a dict (see default_options()).)doc";

constexpr const char* kIndexSketcherDoc =
    R"doc(Returns a new Sketcher with the index's options: its sketches fit
this index.)doc";

constexpr const char* kDedupDoc =
    R"doc(Runs `neardup dedup` over `paths` (one path or a sequence of
.jsonl, .jsonl.gz or .jsonl.zst files, str or os.PathLike) and returns
its stats as a dict: the --stats file's fields (documents, clusters,
duplicates, lines_rejected, rejected_by_reason, bands, rows, ...).

Outputs are written only when given: clusters (one JSON line per
document), output (the representatives' original lines; .gz/.zst
compress), rejects (one JSON line per rejected input line), stats (the
dict, as JSON) and pairs (one JSON line per verified pair). Options are
keyword arguments with the command line's names (see default_options()).
For the same inputs and options the files are byte-identical to the
command line's, at any thread count.

A bad line is a rejected line, counted in the stats and written to
rejects, never an exception. FileNotFoundError naming a missing input;
OSError naming a path that cannot be read or written; ValueError or
TypeError for bad options. Releases the GIL; runs on `threads` threads
(0: all cores).)doc";

constexpr const char* kSCurveDoc =
    R"doc(The probability that banded LSH of `bands` bands of `rows` rows
makes two documents of Jaccard similarity `similarity` (0-1) a candidate
pair: 1 - (1 - similarity**rows)**bands. Vectorized: NumPy arrays
broadcast, and the result is then a float64 array.)doc";

constexpr const char* kLshParamsFnDoc =
    R"doc(The bands and rows dedup derives from `threshold` (0-1) when bands
and rows are not given: among bands * rows <= signature_length, those
that minimize fp_weight * (false-positive area) + fn_weight *
(false-negative area) under the S-curve. The default weights are dedup's
(fp_weight, fn_weight). Returns LshParams(bands, rows,
false_positive_area, false_negative_area). Releases the GIL: up to 0.1 s
for K = 1024.)doc";

constexpr const char* kSimilarityDoc =
    R"doc(The Jaccard similarity estimated from two MinHash sketches (uint8
arrays of one length, as Sketcher.sketch() gives them) by their first
`signature_length` bytes, the signatures (the band checks after them do
not count), corrected for chance agreement of 8-bit entries: in [0, 1],
0 if either is None. What dedup reports for a pair. Without
signature_length, only sketches of the default options (206 bytes) or
bare 128-byte signatures are accepted. ValueError for arrays of different
lengths, shorter than signature_length, or not of the default options
when it is not given: give the sketches' K, or use Sketcher.similarity().
SimHashes compare by their Hamming distance, (a ^ b).bit_count().)doc";

constexpr const char* kDefaultOptionsDoc =
    R"doc(Returns every option's default as a dict {name: value}: the
keyword arguments that Sketcher, Index, Index.open and dedup accept
("algorithm" is accepted for "algo" too). Enumerations are strings: algo
"minhash" | "simhash", verify "borderline" | "estimate" | "exact",
clustering "bounded" | "components" | "representative", mode "copies" |
"story", duplicate_ids "keep" | "reject".)doc";

// ---- Bindings ----

void bind_types(py::module_& m) {
  corruption_error_type =
      PyErr_NewExceptionWithDoc("neardup.CorruptionError", kCorruptionErrorDoc,
                                PyExc_ValueError, nullptr);
  if (corruption_error_type == nullptr) throw py::error_already_set();
  m.add_object("CorruptionError", py::handle(corruption_error_type));

  const py::object namedtuple =
      py::module_::import("collections").attr("namedtuple");
  py::object match = namedtuple(
      "Match",
      py::make_tuple("key", "source", "similarity", "distance", "entry"),
      py::arg("module") = "neardup");
  match.attr("__doc__") = kMatchDoc;
  m.attr("Match") = match;
  match_type = match.release().ptr();
  py::object params =
      namedtuple("LshParams",
                 py::make_tuple("bands", "rows", "false_positive_area",
                                "false_negative_area"),
                 py::arg("module") = "neardup");
  params.attr("__doc__") = kLshParamsDoc;
  m.attr("LshParams") = params;
  lsh_params_type = params.release().ptr();
}

void bind_sketcher(py::module_& m) {
  py::class_<PySketcher>(m, "Sketcher", kSketcherDoc)
      .def(py::init([](const py::kwargs& kwargs) {
        return std::make_unique<PySketcher>(
            options_from_kwargs(kwargs, "Sketcher()"));
      }))
      .def("sketch", &PySketcher::sketch, py::arg("text"), kSketchDoc)
      .def("sketch_batch", &PySketcher::sketch_batch, py::arg("texts"),
           kSketchBatchDoc)
      .def("shingles", &PySketcher::shingles, py::arg("text"), kShinglesDoc)
      .def(
          "similarity",
          [](const PySketcher& s, const py::object& a, const py::object& b) {
            if (s.options().algorithm != Algorithm::kMinHash) {
              throw py::type_error(
                  "similarity() compares MinHash sketches; SimHashes compare "
                  "by (a ^ b).bit_count()");
            }
            return similarity(a, b,
                              py::int_(s.options().minhash.signature_length));
          },
          py::arg("a"), py::arg("b"), kSketcherSimilarityDoc)
      .def_property_readonly(
          "options",
          [](const PySketcher& s) { return options_to_dict(s.options()); },
          kSketcherOptionsDoc)
      .def_property_readonly(
          "algorithm",
          [](const PySketcher& s) { return to_python(s.options().algorithm); },
          kAlgorithmDoc)
      .def_property_readonly(
          "signature_length",
          [](const PySketcher& s) {
            return s.options().minhash.signature_length;
          },
          kSignatureLengthDoc)
      .def("__repr__",
           [](const PySketcher& s) {
             return "<neardup.Sketcher " +
                    std::string(algorithm_name(s.options().algorithm)) + ">";
           })
      .def(py::pickle(
          [](const PySketcher& s) { return options_to_dict(s.options()); },
          [](const py::dict& state) {
            return std::make_unique<PySketcher>(
                options_from_kwargs(state, "Sketcher()"));
          }));
}

void bind_index(py::module_& m) {
  py::class_<PyIndex>(m, "Index", kIndexDoc)
      .def(py::init(&PyIndex::create))
      .def_static("open", &PyIndex::open, py::arg("path"), kOpenDoc)
      .def("add", &PyIndex::add, py::arg("key"), py::arg("source"),
           py::arg("sketch"), kAddDoc)
      .def("add_batch", &PyIndex::add_batch, py::arg("keys"), py::arg("source"),
           py::arg("signatures"), py::arg("empty"), kAddBatchDoc)
      .def("query", &PyIndex::query, py::arg("sketch"), py::arg("limit") = 0,
           kQueryDoc)
      .def("query_batch", &PyIndex::query_batch, py::arg("signatures"),
           py::arg("empty"), py::arg("limit") = 0, kQueryBatchDoc)
      .def("query_or_add", &PyIndex::query_or_add, py::arg("key"),
           py::arg("source"), py::arg("sketch"), py::arg("limit") = 0,
           kQueryOrAddDoc)
      .def("save", &PyIndex::save, py::arg("path") = py::none(), kSaveDoc)
      .def("compact", &PyIndex::compact, kCompactDoc)
      .def("__len__", &PyIndex::size, kLenDoc)
      .def("info", &PyIndex::info, kInfoDoc)
      .def_property_readonly(
          "options",
          [](const PyIndex& index) { return options_to_dict(index.options()); },
          kIndexOptionsDoc)
      .def(
          "sketcher",
          [](const PyIndex& index) {
            return std::make_unique<PySketcher>(index.options());
          },
          kIndexSketcherDoc)
      .def("__repr__", [](const PyIndex& index) {
        return "<neardup.Index " + std::to_string(index.size()) + " entries, " +
               std::string(algorithm_name(index.options().algorithm)) + ">";
      });
}

void bind_functions(py::module_& m) {
  m.def("dedup", &dedup, py::arg("paths"), py::kw_only(),
        py::arg("clusters") = py::none(), py::arg("output") = py::none(),
        py::arg("rejects") = py::none(), py::arg("stats") = py::none(),
        py::arg("pairs") = py::none(), kDedupDoc);
  m.def("s_curve", py::vectorize(s_curve), py::arg("similarity"),
        py::arg("bands"), py::arg("rows"), kSCurveDoc);
  m.def("optimal_lsh_params", &lsh_params, py::arg("threshold"),
        py::arg("signature_length") = 128, py::arg("fp_weight") = 0.01,
        py::arg("fn_weight") = 0.99, kLshParamsFnDoc);
  m.def("estimated_similarity", &similarity, py::arg("a"), py::arg("b"),
        py::kw_only(), py::arg("signature_length") = py::none(),
        kSimilarityDoc);
  m.def(
      "default_options", [] { return options_to_dict(DedupOptions()); },
      kDefaultOptionsDoc);
  m.attr("__version__") = std::string(version());
}

}  // namespace
}  // namespace neardup::python

PYBIND11_MODULE(_core, m) {
  using namespace neardup::python;  // NOLINT(google-build-using-namespace)
  m.doc() = kModuleDoc;
  bind_types(m);
  bind_sketcher(m);
  bind_index(m);
  bind_functions(m);
}
