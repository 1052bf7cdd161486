#include "backends/nvenc/session_handle.h"

namespace nvcast::nvenc {

ApiVersion driver_max_api(const Driver& driver) {
    uint32_t v = 0;
    const NVENCSTATUS s = driver.max_supported_version(&v);
    if (s != NV_ENC_SUCCESS)
        throw Error(ErrorCode::Unavailable,
                    std::string("nvenc: NvEncodeAPIGetMaxSupportedVersion failed with ") + status_name(s));
    return ApiVersion::from_ordinal(v);
}

SessionHandle::SessionHandle(std::shared_ptr<DeviceContext> device, ApiVersion api)
    : device_(std::move(device)), api_(api) {
    fn_.version = api_.struct_version(2);
    const NVENCSTATUS created = device_->driver().create_instance(&fn_);
    if (created != NV_ENC_SUCCESS) throw_status(created, "NvEncodeAPICreateInstance", failure(true));
    if (!fn_.nvEncOpenEncodeSessionEx || !fn_.nvEncDestroyEncoder)
        throw Error(ErrorCode::Unavailable, "nvenc: the driver's function table is incomplete");
    NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS open{};
    open.version = api_.struct_version(1);
    open.deviceType = NV_ENC_DEVICE_TYPE_CUDA;
    open.device = device_->context();
    open.apiVersion = api_.packed();
    const NVENCSTATUS s = fn_.nvEncOpenEncodeSessionEx(&open, &encoder_);
    if (s != NV_ENC_SUCCESS) {
        FailureContext context = failure(true);
        encoder_ = nullptr;
        throw_status(s, "nvEncOpenEncodeSessionEx", context);
    }
    ++device_->sessions;
}

SessionHandle::~SessionHandle() {
    if (encoder_) {
        fn_.nvEncDestroyEncoder(encoder_);
        --device_->sessions;
    }
}

FailureContext SessionHandle::failure(bool at_open) const {
    FailureContext c;
    c.gpu_name = device_->name();
    c.device = device_->ordinal();
    c.sessions_open = device_->sessions.load();
    c.at_open = at_open;
    if (fn_.nvEncGetLastErrorString && encoder_) {  // the driver wants a live session
        const char* detail = fn_.nvEncGetLastErrorString(encoder_);
        if (detail) c.driver_detail = detail;
    }
    return c;
}

NVENCSTATUS SessionHandle::encode_picture(NV_ENC_PIC_PARAMS& pic) const {
    pic.version = api_.struct_version(api_.revisions().pic_params, true);
    if (api_.major < 12) return fn_.nvEncEncodePicture(encoder_, &pic);
    // Revision 6 is longer than the 11.1 struct: hand the driver a full one.
    NvEncPicParams12 v6 = to_pic_params_12(pic);
    v6.version = pic.version;
    return fn_.nvEncEncodePicture(encoder_, reinterpret_cast<NV_ENC_PIC_PARAMS*>(&v6));
}

void SessionHandle::check(NVENCSTATUS status, const char* call) const {
    if (status != NV_ENC_SUCCESS) throw_status(status, call, failure(false));
}

}  // namespace nvcast::nvenc
