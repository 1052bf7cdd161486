// The `nvcast` Python module: encoders fed NumPy arrays or CUDA tensors, files written from them,
// and what this machine can do. Errors are nvcast.Error subclasses carrying the library's message.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <memory>

#include "array_frame.h"
#include "nvcast/backend.h"
#include "nvcast/error.h"
#include "nvcast/pipeline.h"
#include "nvcast/settings.h"
#include "nvcast/sink.h"
#include "nvcast/version.h"
#include "py_encoder.h"

namespace py = pybind11;
using namespace nvcast;
using namespace nvcast::python;

namespace {

// An Encoder whose packets go to an output as the pipeline opens it: a file (its extension picks
// the container), rtp://host:port or whep://host:port. Receivers' keyframe requests force the
// next frame written to a keyframe.
class PyWriter {
public:
    PyWriter(std::string target, int width, int height, const std::string& codec, const py::object& fps,
             const std::string& backend, const std::string& format, const py::dict& options)
        : target_(std::move(target)), encoder_(width, height, codec, fps, backend, format, options) {
        StreamInfo info = stream_info_for(encoder_.config(), std::vector<uint8_t>{});
        const std::string headers = encoder_.codec_headers();
        info.codec_headers.assign(headers.begin(), headers.end());
        auto requested = keyframe_requested_;
        ReceiverRequests requests;
        requests.keyframe = [requested] { *requested = true; };
        sink_ = open_output(make_sink_spec(output_to(target_)), info, encoder_.config(), requests);
    }
    void write(const py::handle& frame, bool keyframe) {
        encoder_.send(frame, keyframe || keyframe_requested_->exchange(false));
        drain(py::list());
    }
    py::dict close() {
        if (sink_) {
            drain(encoder_.flush());
            py::gil_scoped_release unlocked;
            sink_->close();
            sink_.reset();
        }
        return stats();
    }
    py::dict stats() const {
        const EncoderStats& s = encoder_.stats();
        return py::dict(py::arg("target") = target_, py::arg("backend") = encoder_.backend(),
                        py::arg("selection") = encoder_.selection(), py::arg("frames") = s.frames,
                        py::arg("packets") = s.packets, py::arg("bytes") = s.bytes, py::arg("host_copies") = s.host_copies,
                        py::arg("conversions") = s.conversions);
    }

private:
    void drain(const py::list& flushed) {
        for (const auto& p : flushed) put(p.cast<PyPacket>());
        while (auto p = encoder_.next()) put(*p);
    }
    void put(const PyPacket& p) {
        Packet packet;
        const std::string bytes = p.data;
        packet.data.assign(bytes.begin(), bytes.end());
        packet.pts = p.pts;
        packet.dts = p.dts;
        packet.keyframe = p.keyframe;
        py::gil_scoped_release unlocked;
        sink_->write(packet);
    }

    std::string target_;
    PyEncoder encoder_;
    std::shared_ptr<std::atomic<bool>> keyframe_requested_ = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<PacketSink> sink_;
};

py::dict probe() {
    py::list backends;
    for (const BackendInfo& b : probe_backends()) {
        py::list codecs;
        for (const auto& c : b.codecs) codecs.append(std::string(to_string(c.codec)));
        backends.append(py::dict(py::arg("name") = b.name, py::arg("description") = b.description,
                                 py::arg("available") = b.available, py::arg("reason") = b.reason,
                                 py::arg("version") = b.version, py::arg("codecs") = codecs));
    }
    return py::dict(py::arg("version") = std::string(NVCAST_VERSION_STRING), py::arg("backends") = backends);
}

py::dict encode(const py::object& frames, const std::string& path, const std::string& codec, const py::object& fps,
               const std::string& backend, const py::object& format, const py::kwargs& options) {
    const py::iterator it = py::iter(frames);
    if (it == py::iterator::sentinel()) throw py::value_error("nvcast: no frames to encode");
    py::object first = py::reinterpret_borrow<py::object>(*it);
    const std::optional<PixelFormat> wanted =
        format.is_none() ? std::nullopt : std::optional<PixelFormat>(parse_input_format(format.cast<std::string>()));
    const ArrayShape shape = shape_of(first, wanted);
    PyWriter writer(path, shape.width, shape.height, codec, fps, backend, input_format_name(shape.format), options);
    for (py::iterator i = it; i != py::iterator::sentinel(); ++i) writer.write(*i, false);
    return writer.close();
}

}  // namespace

PYBIND11_MODULE(nvcast, m) {
    m.doc() = "nvcast: H.264, HEVC and AV1 encoding of NumPy arrays and CUDA tensors (NVENC, nvh264, x264, x265, SVT-AV1)";

    // nvcast.Error and one subclass per error code; argument errors are ValueErrors too.
    static PyObject* base = PyErr_NewExceptionWithDoc("nvcast.Error", "An nvcast error: the library's message", nullptr, nullptr);
    auto subclass = [&](const char* name, PyObject* second) {
        const py::tuple bases = second ? py::tuple(py::make_tuple(py::handle(base), py::handle(second)))
                                       : py::tuple(py::make_tuple(py::handle(base)));
        return PyErr_NewException(name, bases.ptr(), nullptr);
    };
    static PyObject* invalid = subclass("nvcast.InvalidArgumentError", PyExc_ValueError);
    static PyObject* unsupported = subclass("nvcast.UnsupportedError", nullptr);
    static PyObject* unavailable = subclass("nvcast.UnavailableError", nullptr);
    static PyObject* io = subclass("nvcast.IoError", PyExc_OSError);
    m.attr("Error") = py::handle(base);
    m.attr("InvalidArgumentError") = py::handle(invalid);
    m.attr("UnsupportedError") = py::handle(unsupported);
    m.attr("UnavailableError") = py::handle(unavailable);
    m.attr("IoError") = py::handle(io);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Error& e) {
            PyObject* type = e.code() == ErrorCode::InvalidArgument ? invalid
                             : e.code() == ErrorCode::Unsupported   ? unsupported
                             : e.code() == ErrorCode::Unavailable   ? unavailable
                             : e.code() == ErrorCode::Io            ? io
                                                                    : base;
            PyErr_SetString(type, e.what());
        }
    });

    py::class_<PyPacket>(m, "Packet", "One encoded access unit")
        .def_readonly("data", &PyPacket::data)
        .def_readonly("pts", &PyPacket::pts)
        .def_readonly("dts", &PyPacket::dts)
        .def_readonly("keyframe", &PyPacket::keyframe)
        .def("__bytes__", [](const PyPacket& p) { return p.data; })
        .def("__len__", [](const PyPacket& p) { return py::len(p.data); })
        .def("__repr__", [](const PyPacket& p) {
            return "<nvcast.Packet pts=" + std::to_string(p.pts) + " " + std::to_string(py::len(p.data)) + " bytes" +
                   (p.keyframe ? " keyframe>" : ">");
        });

    py::class_<PyEncoder>(m, "Encoder", R"doc(
Encoder(width, height, codec="h264", fps=30, backend="auto", format="rgb24", **options)

send(frame) a frame at a time — a (H, W, 3|4) uint8 RGB/RGBA array, or (H*3/2, W) for
format="i420"/"nv12", on the host (NumPy) or on a CUDA device (PyTorch, CuPy) — and iterate over
the encoder for the packets ready so far; flush() ends the stream and returns the rest. Options are
the CLI's: preset, tune, rc, bitrate, qp, gop, bframes, profile, threads, gpu, backend_options, ...)doc")
        .def(py::init([](int w, int h, const std::string& codec, const py::object& fps, const std::string& backend,
                         const std::string& format, const py::kwargs& kw) {
                 return std::make_unique<PyEncoder>(w, h, codec, fps, backend, format, kw);
             }),
             py::arg("width"), py::arg("height"), py::arg("codec") = "h264", py::arg("fps") = 30,
             py::arg("backend") = "auto", py::arg("format") = "rgb24")
        .def("send", &PyEncoder::send, py::arg("frame"), py::arg("keyframe") = false)
        .def("__iter__", [](PyEncoder& e) -> PyEncoder& { return e; })
        .def("__next__", [](PyEncoder& e) {
            auto p = e.next();
            if (!p) throw py::stop_iteration();
            return *p;
        })
        .def("flush", &PyEncoder::flush)
        .def("set_bitrate", &PyEncoder::set_bitrate, py::arg("bitrate"), py::arg("max_bitrate") = 0)
        .def_property_readonly("codec_headers", &PyEncoder::codec_headers)
        .def_property_readonly("backend", &PyEncoder::backend)
        .def_property_readonly("selection", &PyEncoder::selection)
        .def_property_readonly("stats", [](const PyEncoder& e) {
            const EncoderStats& s = e.stats();
            return py::dict(py::arg("frames") = s.frames, py::arg("packets") = s.packets, py::arg("bytes") = s.bytes,
                            py::arg("host_copies") = s.host_copies, py::arg("conversions") = s.conversions);
        })
        .def("close", &PyEncoder::close)
        .def("__enter__", [](PyEncoder& e) -> PyEncoder& { return e; })
        .def("__exit__", [](PyEncoder& e, const py::args&) { e.close(); });

    py::class_<PyWriter>(m, "Writer", R"doc(
Writer(target, width, height, codec="h264", fps=30, backend="auto", format="rgb24", **options)

An Encoder writing to an output as the pipeline opens it: a file (the extension picks the container:
.mp4 .mkv .mov .ts .h264 .hevc .ivf), rtp://host:port, or whep://host:port (browsers over WebRTC).
write(frame) each frame, close() (or leave the with-block) to finish; close() returns the stats.
Receivers' keyframe requests make the next frame written a keyframe.)doc")
        .def(py::init([](std::string path, int w, int h, const std::string& codec, const py::object& fps,
                         const std::string& backend, const std::string& format, const py::kwargs& kw) {
                 return std::make_unique<PyWriter>(std::move(path), w, h, codec, fps, backend, format, kw);
             }),
             py::arg("target"), py::arg("width"), py::arg("height"), py::arg("codec") = "h264", py::arg("fps") = 30,
             py::arg("backend") = "auto", py::arg("format") = "rgb24")
        .def("write", &PyWriter::write, py::arg("frame"), py::arg("keyframe") = false)
        .def("close", &PyWriter::close)
        .def_property_readonly("stats", &PyWriter::stats)
        .def("__enter__", [](PyWriter& w) -> PyWriter& { return w; })
        .def("__exit__", [](PyWriter& w, const py::args&) { w.close(); });

    m.def("probe", &probe, "The backends of this build: available or not and why, version, codecs");
    m.def("encode", &encode, py::arg("frames"), py::arg("path"), py::arg("codec") = "h264", py::arg("fps") = 30,
          py::arg("backend") = "auto", py::arg("format") = py::none(), R"doc(
encode(frames, path, codec="h264", fps=30, backend="auto", format=None, **options) -> dict

Encodes a whole clip into a file: `frames` is a (T, H, W, 3|4) uint8 array (NumPy or CUDA) or a
sequence of frames; format=None takes RGB24/RGBA from the shape. Returns the writer's stats.)doc");
    m.attr("__version__") = std::string(NVCAST_VERSION_STRING);
}
