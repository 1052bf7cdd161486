#include "backends/nvenc/input.h"

#include <cstring>

#include "nvcast/error.h"

namespace nvcast::nvenc {

NV_ENC_BUFFER_FORMAT buffer_format_for(PixelFormat format) {
    switch (format) {
        case PixelFormat::NV12: return NV_ENC_BUFFER_FORMAT_NV12;
        case PixelFormat::I420: return NV_ENC_BUFFER_FORMAT_IYUV;
        case PixelFormat::I444: return NV_ENC_BUFFER_FORMAT_YUV444;
        case PixelFormat::P010:
        case PixelFormat::I420_10: return NV_ENC_BUFFER_FORMAT_YUV420_10BIT;
        case PixelFormat::I444_10: return NV_ENC_BUFFER_FORMAT_YUV444_10BIT;
        default:
            throw Error(ErrorCode::Unsupported, "nvenc: input format " + std::string(to_string(format)) +
                                                    " is not accepted (nv12, i420, i444, p010, i420_10, i444_10); "
                                                    "convert it first");
    }
}

NV_ENC_BUFFER_FORMAT device_format_for(PixelFormat format) {
    switch (format) {
        case PixelFormat::NV12: return NV_ENC_BUFFER_FORMAT_NV12;
        case PixelFormat::I420: return NV_ENC_BUFFER_FORMAT_IYUV;
        case PixelFormat::I444: return NV_ENC_BUFFER_FORMAT_YUV444;
        case PixelFormat::P010: return NV_ENC_BUFFER_FORMAT_YUV420_10BIT;
        default:
            throw Error(ErrorCode::Unsupported, "nvenc: device frames must be nv12, i420, i444 or p010 (got " +
                                                    std::string(to_string(format)) + "); convert on the GPU first");
    }
}

namespace {

void copy_rows(uint8_t* dst, size_t dst_pitch, const uint8_t* src, size_t src_pitch, size_t row_bytes, int rows) {
    for (int y = 0; y < rows; ++y) std::memcpy(dst + y * dst_pitch, src + y * src_pitch, row_bytes);
}

void shift_rows(uint8_t* dst, size_t dst_pitch, const uint8_t* src, size_t src_pitch, int width, int rows) {
    for (int y = 0; y < rows; ++y) {
        const auto* s = reinterpret_cast<const uint16_t*>(src + y * src_pitch);
        auto* d = reinterpret_cast<uint16_t*>(dst + y * dst_pitch);
        for (int x = 0; x < width; ++x) d[x] = static_cast<uint16_t>(s[x] << 6);
    }
}

}  // namespace

void upload_host_frame(const Frame& f, uint8_t* base, uint32_t pitch) {
    const int w = f.width(), h = f.height();
    const size_t p = pitch;
    uint8_t* chroma = base + p * static_cast<size_t>(h);
    switch (f.format()) {
        case PixelFormat::NV12:
        case PixelFormat::P010: {
            const size_t row = f.format() == PixelFormat::NV12 ? size_t(w) : size_t(w) * 2;
            copy_rows(base, p, f.data(0), f.pitch(0), row, h);
            copy_rows(chroma, p, f.data(1), f.pitch(1), row, h / 2);
            break;
        }
        case PixelFormat::I420:
            copy_rows(base, p, f.data(0), f.pitch(0), w, h);
            copy_rows(chroma, p / 2, f.data(1), f.pitch(1), w / 2, h / 2);
            copy_rows(chroma + (p / 2) * (h / 2), p / 2, f.data(2), f.pitch(2), w / 2, h / 2);
            break;
        case PixelFormat::I444:
            for (int plane = 0; plane < 3; ++plane) copy_rows(base + plane * p * h, p, f.data(plane), f.pitch(plane), w, h);
            break;
        case PixelFormat::I444_10:
            for (int plane = 0; plane < 3; ++plane) shift_rows(base + plane * p * h, p, f.data(plane), f.pitch(plane), w, h);
            break;
        case PixelFormat::I420_10: {
            shift_rows(base, p, f.data(0), f.pitch(0), w, h);
            for (int y = 0; y < h / 2; ++y) {
                const auto* u = reinterpret_cast<const uint16_t*>(f.data(1) + y * static_cast<size_t>(f.pitch(1)));
                const auto* v = reinterpret_cast<const uint16_t*>(f.data(2) + y * static_cast<size_t>(f.pitch(2)));
                auto* d = reinterpret_cast<uint16_t*>(chroma + y * p);
                for (int x = 0; x < w / 2; ++x) {
                    d[2 * x] = static_cast<uint16_t>(u[x] << 6);
                    d[2 * x + 1] = static_cast<uint16_t>(v[x] << 6);
                }
            }
            break;
        }
        default: buffer_format_for(f.format());  // throws the message
    }
}

void check_device_layout(const Frame& f) {
    device_format_for(f.format());
    const size_t p = static_cast<size_t>(f.pitch(0));
    const size_t h = static_cast<size_t>(f.height());
    bool ok = f.data(1) == f.data(0) + p * h;
    if (f.format() == PixelFormat::NV12 || f.format() == PixelFormat::P010) ok = ok && size_t(f.pitch(1)) == p;
    if (f.format() == PixelFormat::I420)
        ok = ok && size_t(f.pitch(1)) == p / 2 && size_t(f.pitch(2)) == p / 2 && f.data(2) == f.data(1) + (p / 2) * (h / 2);
    if (f.format() == PixelFormat::I444)
        ok = ok && size_t(f.pitch(1)) == p && size_t(f.pitch(2)) == p && f.data(2) == f.data(1) + p * h;
    if (!ok)
        throw Error(ErrorCode::Unsupported,
                    "nvenc: a device frame must be one allocation with its chroma planes right after the luma plane "
                    "(offset pitch*height, chroma pitch as NVENC expects); allocate it that way or copy it into such a "
                    "surface");
}

ResourceCache::~ResourceCache() {
    for (Entry& e : entries_) {
        if (e.mapped) session_.fn().nvEncUnmapInputResource(session_.encoder(), e.mapped);
        session_.fn().nvEncUnregisterResource(session_.encoder(), e.registered);
    }
}

NV_ENC_INPUT_PTR ResourceCache::map(const Frame& f) {
    check_device_layout(f);
    const NV_ENC_BUFFER_FORMAT format = device_format_for(f.format());
    const uint64_t ptr = reinterpret_cast<uint64_t>(f.data(0));
    auto it = entries_.begin();
    for (; it != entries_.end(); ++it)
        if (it->ptr == ptr && it->pitch == uint32_t(f.pitch(0)) && it->width == uint32_t(f.width()) &&
            it->height == uint32_t(f.height()) && it->format == format)
            break;
    if (it == entries_.end()) {
        // Evict the least recently used surface that is not mapped.
        if (entries_.size() >= capacity_)
            for (auto victim = entries_.rbegin(); victim != entries_.rend(); ++victim)
                if (!victim->mapped) {
                    session_.fn().nvEncUnregisterResource(session_.encoder(), victim->registered);
                    entries_.erase(std::next(victim).base());
                    break;
                }
        NV_ENC_REGISTER_RESOURCE reg{};
        reg.version = session_.api().struct_version(session_.api().revisions().register_resource);
        reg.resourceType = NV_ENC_INPUT_RESOURCE_TYPE_CUDADEVICEPTR;
        reg.width = static_cast<uint32_t>(f.width());
        reg.height = static_cast<uint32_t>(f.height());
        reg.pitch = static_cast<uint32_t>(f.pitch(0));
        reg.resourceToRegister = f.data(0);
        reg.bufferFormat = format;
        reg.bufferUsage = NV_ENC_INPUT_IMAGE;
        session_.check(session_.fn().nvEncRegisterResource(session_.encoder(), &reg), "nvEncRegisterResource");
        ++registrations_;
        Entry e;
        e.ptr = ptr;
        e.pitch = reg.pitch;
        e.width = reg.width;
        e.height = reg.height;
        e.format = format;
        e.registered = reg.registeredResource;
        entries_.push_front(e);
        it = entries_.begin();
    } else {
        entries_.splice(entries_.begin(), entries_, it);
        it = entries_.begin();
    }
    if (it->mapped) throw Error(ErrorCode::InvalidState, "nvenc: this device surface is still being encoded; "
                                                         "use a different surface per frame in flight");
    NV_ENC_MAP_INPUT_RESOURCE map{};
    map.version = session_.api().struct_version(4);
    map.registeredResource = it->registered;
    session_.check(session_.fn().nvEncMapInputResource(session_.encoder(), &map), "nvEncMapInputResource");
    it->mapped = map.mappedResource;
    return map.mappedResource;
}

void ResourceCache::unmap(NV_ENC_INPUT_PTR mapped) {
    for (Entry& e : entries_)
        if (e.mapped == mapped) {
            session_.check(session_.fn().nvEncUnmapInputResource(session_.encoder(), mapped), "nvEncUnmapInputResource");
            e.mapped = nullptr;
            return;
        }
}

}  // namespace nvcast::nvenc
