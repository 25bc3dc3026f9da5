// TFLM runner: one .tflite model (compiled in as a const array in flash), driven by the host
// over the link protocol (docs/link-protocol.md):
//   BOOT / HELLO          -> identity, arena size and use, model size, allocation status
//   UPLOAD_BEGIN/CHUNK    -> slot = input tensor index: bytes go straight into the tensor
//   INVOKE op=RUN         -> Invoke() between the measure markers; status, counter ticks
//   INVOKE op=PROFILE i   -> per-operator ticks from the profiler, from event i on
//   INVOKE op=DESCRIBE    -> one input or output tensor as the interpreter allocated it
//   DOWNLOAD              -> slot = output tensor index: a slice of its bytes
//   STATS                 -> stack, arena, dropped frames
// TFLM's own messages (MicroPrintf) reach the host as LOG frames.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model_ops.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_profiler_interface.h"
#include "tensorflow/lite/schema/schema_generated.h"

extern "C" {
#include "board.h"
#include "counter.h"
#include "identity.h"
#include "link.h"
#include "measure.h"
#include "tflm_glue.h"
}

extern "C" const unsigned char harness_model[];
extern "C" const unsigned int harness_model_size;

namespace {

enum RunnerOp : uint8_t { kOpRun = 1, kOpProfile = 2, kOpDescribe = 3 };

alignas(16) uint8_t arena[HARNESS_ARENA_SIZE];

// The arena the interpreter gets: all of it on a board. The host runner (the golden run, and the
// harness's search for the smallest arena that works) may be given less with HARNESS_ARENA_BYTES.
size_t arena_bytes()
{
#if defined(HARNESS_HOST)
    if (const char *limit = getenv("HARNESS_ARENA_BYTES")) {
        size_t bytes = strtoul(limit, nullptr, 10);
        if (bytes > 0 && bytes < sizeof arena) {
            return bytes;
        }
    }
#endif
    return sizeof arena;
}

// Per-operator timing with the firmware's own counter (DWT cycles or the board timer's ticks).
class OpProfiler : public tflite::MicroProfilerInterface {
public:
    static constexpr uint32_t kMaxEvents = 256;

    uint32_t BeginEvent(const char *tag) override
    {
        if (count_ >= kMaxEvents) {
            ++dropped_;
            return kMaxEvents;
        }
        tags_[count_] = tag;
        ticks_[count_] = 0;
        uint32_t handle = count_++;
        harness_op_begin();
        start_[handle] = counter_now();
        return handle;
    }

    void EndEvent(uint32_t handle) override
    {
        if (handle < kMaxEvents) {
            ticks_[handle] = counter_now() - start_[handle];
            harness_op_end();
        }
    }

    void Clear() { count_ = dropped_ = 0; }
    uint32_t Count() const { return count_; }
    uint32_t Dropped() const { return dropped_; }
    const char *Tag(uint32_t i) const { return tags_[i] ? tags_[i] : "?"; }
    uint64_t Ticks(uint32_t i) const { return ticks_[i]; }

private:
    const char *tags_[kMaxEvents] = {};
    uint64_t start_[kMaxEvents] = {};
    uint64_t ticks_[kMaxEvents] = {};
    uint32_t count_ = 0;
    uint32_t dropped_ = 0;
};

OpProfiler profiler;
ModelOpResolver resolver;
tflite::MicroInterpreter *interpreter;
const char *status = "ok";

TfLiteTensor *upload_tensor;
link_upload_t upload;

size_t hello_text(char *out, size_t size)
{
    char extra[LINK_MAX_BODY];
    snprintf(extra, sizeof extra, ";status=%s;model=%u;arena=%lu;arena_used=%lu;inputs=%lu;outputs=%lu;kernels=%s;tflm=%s", status,
             harness_model_size, (unsigned long)arena_bytes(), (unsigned long)(interpreter ? interpreter->arena_used_bytes() : 0),
             (unsigned long)(interpreter ? interpreter->inputs_size() : 0), (unsigned long)(interpreter ? interpreter->outputs_size() : 0),
             HARNESS_KERNELS, HARNESS_TFLM_COMMIT);
    return identity_text(out, size, extra);
}

bool ready(const link_frame_t *req)
{
    if (interpreter == nullptr) {
        link_respond_error(req, LINK_ERR_APP, status);
        return false;
    }
    return true;
}

// The input tensor an UPLOAD_BEGIN or BULK_BEGIN (slot u8, total u32) names, if it takes exactly that many bytes.
TfLiteTensor *input_for(const link_frame_t *req)
{
    if (!ready(req)) {
        return nullptr;
    }
    if (req->length != 5) {
        link_respond_error(req, LINK_ERR_BAD_REQUEST, "UPLOAD_BEGIN and BULK_BEGIN take slot u8 + total u32");
        return nullptr;
    }
    uint8_t slot = req->body[0];
    uint32_t total = link_get_u32(req->body + 1);
    if (slot >= interpreter->inputs_size()) {
        link_respond_error(req, LINK_ERR_BAD_REQUEST, "no input tensor with that index");
        return nullptr;
    }
    TfLiteTensor *tensor = interpreter->input(slot);
    if (total != tensor->bytes) {
        char message[96];
        snprintf(message, sizeof message, "input %u takes %lu bytes, not %lu", slot, (unsigned long)tensor->bytes, (unsigned long)total);
        link_respond_error(req, LINK_ERR_BAD_REQUEST, message);
        return nullptr;
    }
    return tensor;
}

void on_upload_begin(const link_frame_t *req)
{
    if (TfLiteTensor *tensor = input_for(req)) {
        upload_tensor = tensor;
        link_upload_begin(req, &upload, (uint32_t)tensor->bytes);
    }
}

// Bulk: the window is the rest of the tensor itself, so the host's writes land where TFLM reads them.
void on_bulk_begin(const link_frame_t *req)
{
    if (TfLiteTensor *tensor = input_for(req)) {
        upload_tensor = tensor;
        upload.expected = (uint32_t)tensor->bytes;
        upload.received = 0;
        link_bulk_ack(req, &upload, tensor->data.raw, upload.expected);
    }
}

void on_bulk_commit(const link_frame_t *req)
{
    if (upload_tensor == nullptr) {
        link_respond_error(req, LINK_ERR_BAD_REQUEST, "BULK_COMMIT before BULK_BEGIN");
        return;
    }
    uint32_t count;
    if (link_bulk_commit(req, &upload, reinterpret_cast<const uint8_t *>(upload_tensor->data.raw) + upload.received,
                         upload.expected - upload.received, &count)) {
        link_bulk_ack(req, &upload, upload_tensor->data.raw + upload.received, upload.expected - upload.received);
    }
}

void on_upload_chunk(const link_frame_t *req)
{
    if (upload_tensor == nullptr) {
        link_respond_error(req, LINK_ERR_BAD_REQUEST, "UPLOAD_CHUNK before UPLOAD_BEGIN");
        return;
    }
    const uint8_t *data;
    uint32_t count;
    uint32_t offset = upload.received;
    if (link_upload_chunk(req, &upload, &data, &count)) {
        memcpy(upload_tensor->data.raw + offset, data, count);
        link_upload_ack(req, &upload);
    }
}

TfLiteStatus invoke_status;

void run_invoke(void *)
{
    invoke_status = interpreter->Invoke();
}

void on_invoke(const link_frame_t *req)
{
    if (!ready(req)) {
        return;
    }
    uint8_t op = req->length > 0 ? req->body[0] : 0;
    uint8_t out[LINK_MAX_BODY];
    if (op == kOpRun && req->length == 1) {
        profiler.Clear();
        measurement_t m = measure(run_invoke, nullptr);
        out[0] = invoke_status == kTfLiteOk ? 0 : 1;
        link_put_u64(out + 1, m.ticks);
        link_put_u32(out + 9, m.region);
        link_put_u32(out + 13, profiler.Count());
        link_put_u32(out + 17, profiler.Dropped());
        link_respond(req, out, 21);
        return;
    }
    if (op == kOpProfile && req->length == 3) {
        // Events from index i on, as many as fit: ticks u64, tag length u8, tag bytes.
        uint32_t i = (uint32_t)(req->body[1] | req->body[2] << 8);
        size_t used = 0;
        for (; i < profiler.Count(); ++i) {
            const char *tag = profiler.Tag(i);
            size_t length = strnlen(tag, 64);
            if (used + 9 + length > sizeof out) {
                break;
            }
            link_put_u64(out + used, profiler.Ticks(i));
            out[used + 8] = (uint8_t)length;
            memcpy(out + used + 9, tag, length);
            used += 9 + length;
        }
        link_respond(req, out, used);
        return;
    }
    if (op == kOpDescribe && req->length == 3) {
        // Request: direction (0 input, 1 output), index. Answer: found u8, then type name length u8 +
        // name, dims count u8, dims i32 each, scale f32 (as bits), zero point i32, bytes u32.
        bool output = req->body[1] != 0;
        size_t index = req->body[2];
        size_t count = output ? interpreter->outputs_size() : interpreter->inputs_size();
        if (index >= count) {
            out[0] = 0;
            link_respond(req, out, 1);
            return;
        }
        TfLiteTensor *tensor = output ? interpreter->output(index) : interpreter->input(index);
        const char *type = TfLiteTypeGetName(tensor->type);
        size_t name = strnlen(type, 32);
        size_t used = 0;
        out[used++] = 1;
        out[used++] = (uint8_t)name;
        memcpy(out + used, type, name);
        used += name;
        int dims = tensor->dims ? tensor->dims->size : 0;
        dims = dims > 16 ? 16 : dims;
        out[used++] = (uint8_t)dims;
        for (int d = 0; d < dims; ++d) {
            link_put_u32(out + used, (uint32_t)tensor->dims->data[d]);
            used += 4;
        }
        uint32_t scale;
        memcpy(&scale, &tensor->params.scale, sizeof scale);
        link_put_u32(out + used, scale);
        link_put_u32(out + used + 4, (uint32_t)tensor->params.zero_point);
        link_put_u32(out + used + 8, (uint32_t)tensor->bytes);
        link_respond(req, out, used + 12);
        return;
    }
    link_respond_error(req, LINK_ERR_BAD_REQUEST, "unknown runner op or wrong argument length");
}

void on_download(const link_frame_t *req)
{
    if (!ready(req)) {
        return;
    }
    if (req->length != 7 || req->body[0] >= interpreter->outputs_size()) {
        link_respond_error(req, LINK_ERR_BAD_REQUEST, "DOWNLOAD takes slot u8 (an output index) + offset u32 + length u16");
        return;
    }
    TfLiteTensor *tensor = interpreter->output(req->body[0]);
    uint32_t offset = link_get_u32(req->body + 1);
    uint32_t length = (uint32_t)(req->body[5] | req->body[6] << 8);
    if (length > LINK_MAX_BODY || offset > tensor->bytes || length > tensor->bytes - offset) {
        link_respond_error(req, LINK_ERR_BAD_REQUEST, "DOWNLOAD slice is outside the output tensor or longer than a frame");
        return;
    }
    link_respond(req, tensor->data.raw + offset, length);
}

void on_stats(const link_frame_t *req)
{
    uint8_t out[24];
    size_t used = identity_stats(out);
    link_put_u32(out + used, interpreter ? (uint32_t)interpreter->arena_used_bytes() : 0);
    link_put_u32(out + used + 4, (uint32_t)arena_bytes());
    link_respond(req, out, used + 8);
}

void set_up()
{
    const tflite::Model *model = tflite::GetModel(harness_model);
    if (model->version() != TFLITE_SCHEMA_VERSION) {
        status = "model-schema-version-mismatch";
        return;
    }
    if (RegisterModelOps(resolver) != kTfLiteOk) {
        status = "op-registration-failed";
        return;
    }
    static tflite::MicroInterpreter instance(model, resolver, arena, arena_bytes(), nullptr, &profiler);
    if (instance.AllocateTensors() != kTfLiteOk) {
        status = "allocate-tensors-failed";
        return;
    }
    interpreter = &instance;
}

} // namespace

int main()
{
    board_init();
    counter_init();
    tflm_glue_route_log_to_link();
    set_up();
    static const link_handlers_t handlers = {
        hello_text, on_upload_begin, on_upload_chunk, on_invoke, on_download, on_stats, on_bulk_begin, on_bulk_commit,
    };
    link_serve(&handlers);
}
