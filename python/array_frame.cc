#include "array_frame.h"

#include <pybind11/numpy.h>

#include <cstdint>
#include <vector>

#include "nvcast/error.h"

namespace py = pybind11;

namespace nvcast::python {
namespace {

[[noreturn]] void bad(const std::string& what) { throw py::value_error("nvcast: " + what); }

bool packed(PixelFormat f) { return f == PixelFormat::RGB24 || f == PixelFormat::RGBA || f == PixelFormat::BGRA; }
int channels(PixelFormat f) { return f == PixelFormat::RGB24 ? 3 : 4; }

// What an array says of itself, host or CUDA, as shape and byte strides.
struct Described {
    std::vector<int64_t> shape, strides;
    std::string dtype;  // NumPy typestr, e.g. "|u1"
    uint8_t* data = nullptr;
    bool cuda = false;
    uintptr_t stream = 0;
    py::object owner;
};

// DLPack (https://dmlc.github.io/dlpack/latest/c_api.html), the unversioned "dltensor" capsule
// every exporter offers; declared here from the published C layout.
struct DLDevice {
    int32_t device_type;  // 1 CPU, 2 CUDA, 3 CUDA host (pinned)
    int32_t device_id;
};
struct DLDataType {
    uint8_t code;  // 1 = unsigned int
    uint8_t bits;
    uint16_t lanes;
};
struct DLTensor {
    void* data;
    DLDevice device;
    int32_t ndim;
    DLDataType dtype;
    int64_t* shape;
    int64_t* strides;  // in elements; null = compact row-major
    uint64_t byte_offset;
};
struct DLManagedTensor {
    DLTensor dl_tensor;
    void* manager_ctx;
    void (*deleter)(DLManagedTensor*);
};

// Takes the tensor out of its capsule; the returned owner calls the exporter's deleter when the
// frame is done with it.
Described describe_dlpack(const py::handle& array) {
    py::capsule capsule = array.attr("__dlpack__")();
    if (std::string(capsule.name() ? capsule.name() : "") != "dltensor")
        bad("__dlpack__ returned a capsule that is not a 'dltensor'");
    auto* managed = static_cast<DLManagedTensor*>(capsule.get_pointer());
    PyCapsule_SetName(capsule.ptr(), "used_dltensor");  // consumed: the exporter must not free it
    py::capsule owner(managed, [](void* p) {
        auto* m = static_cast<DLManagedTensor*>(p);
        if (m->deleter) m->deleter(m);
    });
    const DLTensor& t = managed->dl_tensor;
    Described d;
    if (t.device.device_type != 1 && t.device.device_type != 2 && t.device.device_type != 3)
        bad("a DLPack tensor on device type " + std::to_string(t.device.device_type) + " (only CPU and CUDA memory)");
    d.cuda = t.device.device_type == 2;
    d.dtype = t.dtype.code == 1 && t.dtype.bits == 8 && t.dtype.lanes == 1 ? "|u1" : "dlpack code " +
              std::to_string(t.dtype.code) + " bits " + std::to_string(t.dtype.bits);
    d.data = static_cast<uint8_t*>(t.data) + t.byte_offset;
    d.shape.assign(t.shape, t.shape + t.ndim);
    const int64_t item = (t.dtype.bits + 7) / 8;
    if (t.strides) {
        for (int i = 0; i < t.ndim; ++i) d.strides.push_back(t.strides[i] * item);
    } else {
        d.strides.assign(static_cast<size_t>(t.ndim), item);
        for (int i = t.ndim - 1; i > 0; --i) d.strides[static_cast<size_t>(i - 1)] = d.strides[static_cast<size_t>(i)] * d.shape[static_cast<size_t>(i)];
    }
    if (d.cuda) d.stream = 1;  // exported for the legacy default stream (no stream was passed)
    d.owner = owner;
    return d;
}

Described describe(const py::handle& array) {
    Described d;
    if (py::hasattr(array, "__cuda_array_interface__")) {
        const py::dict cai = array.attr("__cuda_array_interface__");
        d.cuda = true;
        for (auto v : cai["shape"].cast<py::tuple>()) d.shape.push_back(v.cast<int64_t>());
        d.dtype = cai["typestr"].cast<std::string>();
        d.data = reinterpret_cast<uint8_t*>(cai["data"].cast<py::tuple>()[0].cast<uintptr_t>());
        const int64_t item = d.dtype.size() >= 3 ? std::stoll(d.dtype.substr(2)) : 1;
        if (cai.contains("strides") && !cai["strides"].is_none()) {
            for (auto v : cai["strides"].cast<py::tuple>()) d.strides.push_back(v.cast<int64_t>());
        } else {  // C-contiguous
            d.strides.assign(d.shape.size(), item);
            for (size_t i = d.shape.size(); i-- > 1;) d.strides[i - 1] = d.strides[i] * d.shape[i];
        }
        if (cai.contains("stream") && !cai["stream"].is_none()) d.stream = cai["stream"].cast<uintptr_t>();
        d.owner = py::reinterpret_borrow<py::object>(array);
        return d;
    }
    if (!PyObject_CheckBuffer(array.ptr()) && py::hasattr(array, "__dlpack__")) return describe_dlpack(array);
    py::buffer_info info;
    try {
        info = py::reinterpret_borrow<py::buffer>(array).request();
    } catch (const std::exception&) {
        bad("a frame must be a NumPy array (or anything with the buffer protocol), a DLPack tensor or a CUDA "
            "array (__cuda_array_interface__), not " + std::string(py::str(py::type::of(array))));
    }
    d.shape = info.shape;
    d.strides = info.strides;
    d.dtype = info.format == py::format_descriptor<uint8_t>::format() ? "|u1" : info.format;
    d.data = static_cast<uint8_t*>(info.ptr);
    d.owner = py::reinterpret_borrow<py::object>(array);
    return d;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

PixelFormat parse_input_format(const std::string& name) {
    if (name == "rgb" || name == "rgb24") return PixelFormat::RGB24;
    if (name == "rgba") return PixelFormat::RGBA;
    if (name == "bgra") return PixelFormat::BGRA;
    if (name == "i420" || name == "yuv420p") return PixelFormat::I420;
    if (name == "nv12") return PixelFormat::NV12;
    throw py::value_error("nvcast: input format '" + name + "' is not one of rgb24, rgba, bgra, i420, nv12");
}

std::string input_format_name(PixelFormat format) {
    switch (format) {
        case PixelFormat::RGB24: return "rgb24";
        case PixelFormat::RGBA: return "rgba";
        case PixelFormat::BGRA: return "bgra";
        case PixelFormat::I420: return "i420";
        case PixelFormat::NV12: return "nv12";
        default: throw py::value_error("nvcast: this layout cannot come from an array");
    }
}

ArrayShape shape_of(const py::handle& array, std::optional<PixelFormat> format) {
    const Described d = describe(array);
    ArrayShape s;
    s.cuda = d.cuda;
    if (d.dtype != "|u1" && d.dtype != "<u1" && d.dtype != "B")
        bad("frames must be uint8 arrays, not dtype '" + d.dtype + "'");
    if (d.shape.size() == 3) {
        s.height = static_cast<int>(d.shape[0]);
        s.width = static_cast<int>(d.shape[1]);
        s.format = format.value_or(d.shape[2] == 4 ? PixelFormat::RGBA : PixelFormat::RGB24);
        if (!packed(s.format)) bad("a (H, W, C) array is packed RGB; " + shape_text(d.shape) + " cannot be YUV");
        if (d.shape[2] != channels(s.format))
            bad("a frame of " + std::to_string(channels(s.format)) + " channels must have shape (H, W, " +
                std::to_string(channels(s.format)) + "), not " + shape_text(d.shape));
    } else if (d.shape.size() == 2) {
        if (!format) bad("a 2-D array " + shape_text(d.shape) + " is a 4:2:0 YUV frame: say format='i420' or 'nv12'");
        s.format = *format;
        if (s.format != PixelFormat::I420 && s.format != PixelFormat::NV12)
            bad("a 2-D array " + shape_text(d.shape) + " is a 4:2:0 YUV frame: say format='i420' or 'nv12'");
        if (d.shape[0] % 3 != 0 || (d.shape[0] / 3) % 2 != 0 || d.shape[1] % 2 != 0)
            bad("a 4:2:0 frame is (H * 3 / 2, W) with even H and W, not " + shape_text(d.shape));
        s.height = static_cast<int>(d.shape[0] / 3 * 2);
        s.width = static_cast<int>(d.shape[1]);
    } else {
        bad("a frame is (H, W, 3|4) RGB or (H * 3 / 2, W) YUV, not an array of shape " + shape_text(d.shape));
    }
    if (s.width <= 0 || s.height <= 0) bad("a frame of shape " + shape_text(d.shape) + " has no pixels");
    return s;
}

ArrayFrame frame_from_array(const py::handle& array, PixelFormat format, int width, int height) {
    const ArrayShape s = shape_of(array, format);
    if (s.width != width || s.height != height || s.format != format)
        bad("this encoder takes " + std::to_string(width) + "x" + std::to_string(height) + " frames; got " +
            std::to_string(s.width) + "x" + std::to_string(s.height) +
            (s.format != format ? " of another layout" : ""));
    const Described d = describe(array);
    // Rows may be padded (a view of a wider buffer), pixels and channels must be contiguous.
    const int64_t row = d.strides[0];
    if (d.shape.size() == 3 && (d.strides[2] != 1 || d.strides[1] != d.shape[2]))
        bad("a frame's pixels must be contiguous within a row (strides (row, C, 1)); use numpy.ascontiguousarray");
    if (d.shape.size() == 2 && d.strides[1] != 1)
        bad("a YUV frame's rows must be contiguous (stride 1 within a row); use numpy.ascontiguousarray");
    if (row < static_cast<int64_t>(d.shape[1]) * (d.shape.size() == 3 ? d.shape[2] : 1) || row > (1 << 30))
        bad("a frame's row stride " + std::to_string(row) + " is smaller than its row");
    std::array<uint8_t*, Frame::kMaxPlanes> planes{};
    std::array<int, Frame::kMaxPlanes> pitch{};
    planes[0] = d.data;
    pitch[0] = static_cast<int>(row);
    if (!packed(format)) {
        const int64_t luma = row * height;
        planes[1] = d.data + luma;
        if (format == PixelFormat::NV12) {
            pitch[1] = static_cast<int>(row);
        } else {  // I420: quarter planes, each row half as wide, packed two to a row of the array
            if (row != width) bad("an I420 frame's rows must not be padded (its chroma rows share array rows)");
            pitch[1] = pitch[2] = width / 2;
            planes[2] = planes[1] + static_cast<int64_t>(width / 2) * (height / 2);
        }
    }
    ArrayFrame out;
    out.owner = d.owner;
    out.producer_stream = d.stream;
    out.frame = Frame::wrap(format, width, height, d.cuda ? MemoryType::Cuda : MemoryType::Host, planes, pitch);
    return out;
}

}  // namespace nvcast::python
