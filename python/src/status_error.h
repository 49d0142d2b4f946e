// Status to Python exception, for the extension modules.

#ifndef NEARDUP_PYTHON_SRC_STATUS_ERROR_H_
#define NEARDUP_PYTHON_SRC_STATUS_ERROR_H_

#include <Python.h>
#include <pybind11/pybind11.h>

#include "neardup/status.h"

namespace neardup::python {

// Raises the Python exception of a non-OK `status`, with its message:
// InvalidArgument is ValueError, NotFound FileNotFoundError, IOError
// OSError, Corruption `corruption`, the others RuntimeError.
// REQUIRES: the GIL is held.
[[noreturn]] inline void raise_status(const Status& status,
                                      PyObject* corruption) {
  PyObject* type = PyExc_RuntimeError;  // kFailedPrecondition, kInternal
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      type = PyExc_ValueError;
      break;
    case StatusCode::kNotFound:
      type = PyExc_FileNotFoundError;
      break;
    case StatusCode::kIOError:
      type = PyExc_OSError;
      break;
    case StatusCode::kCorruption:
      type = corruption;
      break;
    default:
      break;
  }
  PyErr_SetString(type, status.message().c_str());
  throw pybind11::error_already_set();
}

}  // namespace neardup::python

#endif  // NEARDUP_PYTHON_SRC_STATUS_ERROR_H_
