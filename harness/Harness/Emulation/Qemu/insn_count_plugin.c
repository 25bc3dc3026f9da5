// QEMU TCG plugin of the harness: counts guest instructions exactly between two addresses and
// notices when the guest enters a fault handler. Debian ships no qemu-plugin.h, so the few
// API declarations it uses (QEMU plugin API version 1, as in QEMU 7.x/8.x) are written here.
//
// Arguments (comma-separated after the .so on -plugin): begin=ADDR, end=ADDR, out=PATH, optionally
// opbegin=ADDR and opend=ADDR (the markers around each operator), and any number of fault=ADDR. It
// writes one line per event to PATH, flushed as it happens:
//   begin <instructions-before-it>
//   opb <instructions-before-it>      (each operator's begin marker)
//   ope <instructions-before-it>      (and its end marker)
//   end <instructions-before-it>
//   fault <handler-address>
//   clock <instructions>              (every 25 ms while the count moves: the guest's progress,
//                                      which an emulated-time limit is judged by)
// where the instruction counters are totals since QEMU started, so end - begin is the exact
// count of the region (the first instruction of begin up to, not including, that of end).
//
// With classes=PATH (the harness's code map of the ELF: a line "N K", then N lines "address length
// class registers conditional", in address order) it also counts every executed instruction in its
// timing class, the registers moved by the classes that move several, and how often each class's
// conditional branches fell through (not taken: the next instruction run was the one after the
// branch). Each begin/end/opb/ope line is then preceded by
//   mix <K counts> <K registers> <K not-taken>
// totals since QEMU started, as the instruction counter is.
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <time.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
                                                void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            void (*cb)(unsigned int vcpu_index, void *userdata),
                                            enum qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define MAX_FAULT_ADDRESSES 8

enum event_kind { EVENT_BEGIN, EVENT_END, EVENT_OP_BEGIN, EVENT_OP_END, EVENT_FAULT };
#define KIND_BITS 3u

// Total instructions of every translation block entered; single vCPU (Cortex-M boards). Without a
// code map this is the count; it adds a whole block even when the block stops early.
static uint64_t executed;
static uint64_t begin_address = UINT64_MAX;
static uint64_t end_address = UINT64_MAX;
static uint64_t op_begin_address = UINT64_MAX;
static uint64_t op_end_address = UINT64_MAX;
static uint64_t fault_addresses[MAX_FAULT_ADDRESSES];
static int fault_count;
static int out_fd = -1;

// The code map (classes=): sorted by address.
#define MAX_CLASSES 64
struct mapped {
    uint32_t address;
    uint8_t length, klass, registers, conditional;
};
static struct mapped *map;
static size_t map_count;
static size_t class_count;
static uint64_t class_executed[MAX_CLASSES];
static uint64_t class_registers[MAX_CLASSES];
static uint64_t class_not_taken[MAX_CLASSES];
// Exact per-instruction total and the last conditional branch run, to tell a fall-through.
static uint64_t instructions_run;
static size_t pending_branch = SIZE_MAX;
static uint64_t pending_at;

static size_t map_find(uint64_t address)
{
    size_t low = 0, high = map_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (map[mid].address < address) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    return low < map_count && map[low].address == address ? low : SIZE_MAX;
}

static bool load_map(const char *path)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        return false;
    }
    unsigned long count = 0, classes = 0;
    if (fscanf(file, "%lu %lu", &count, &classes) != 2 || classes == 0 || classes > MAX_CLASSES) {
        fclose(file);
        return false;
    }
    map = calloc(count ? count : 1, sizeof *map);
    class_count = classes;
    for (unsigned long i = 0; map && i < count; ++i) {
        unsigned int address, length, klass, registers, conditional;
        if (fscanf(file, "%x %u %u %u %u", &address, &length, &klass, &registers, &conditional) != 5 || klass >= classes) {
            fclose(file);
            return false;
        }
        map[i] = (struct mapped){address, (uint8_t)length, (uint8_t)klass, (uint8_t)registers, (uint8_t)conditional};
        map_count = i + 1;
    }
    fclose(file);
    return map != NULL;
}

static void on_conditional_branch(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    pending_branch = (size_t)(uintptr_t)userdata;
    pending_at = instructions_run;
}

// Runs at the instruction after a conditional branch: when it comes right after that branch, the branch fell through.
static void on_fall_through(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    size_t branch = (size_t)(uintptr_t)userdata;
    if (pending_branch == branch && instructions_run == pending_at + 1) {
        ++class_not_taken[map[branch].klass];
    }
    pending_branch = SIZE_MAX;
}

static void write_mix(void)
{
    char line[64 * 3 * 21 + 8];
    size_t used = (size_t)snprintf(line, sizeof line, "mix");
    const uint64_t *rows[] = {class_executed, class_registers, class_not_taken};
    for (int row = 0; row < 3; ++row) {
        for (size_t i = 0; i < class_count && used < sizeof line - 22; ++i) {
            used += (size_t)snprintf(line + used, sizeof line - used, " %" PRIu64, rows[row][i]);
        }
    }
    line[used++] = '\n';
    ssize_t ignored = write(out_fd, line, used);
    (void)ignored;
}

// The userdata of an event callback packs the kind with, for begin/end, the instructions of its
// block still ahead of (and including) the instruction, which the inline counter has already
// added, and for a fault, the handler's address.
static void *pack(enum event_kind kind, uint64_t value)
{
    return (void *)(uintptr_t)((value << KIND_BITS) | (uint64_t)kind);
}

static void on_event(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    uint64_t packed = (uint64_t)(uintptr_t)userdata;
    enum event_kind kind = (enum event_kind)(packed & ((1u << KIND_BITS) - 1u));
    uint64_t value = packed >> KIND_BITS;
    // With the code map, the per-instruction count: exact even where a block stops early (QEMU's
    // icount mode ends a block at a device access and runs the rest again, which the block count adds twice).
    uint64_t before = map ? instructions_run : executed - value;
    char line[64];
    int n;
    switch (kind) {
    case EVENT_BEGIN:
        n = snprintf(line, sizeof line, "begin %" PRIu64 "\n", before);
        break;
    case EVENT_END:
        n = snprintf(line, sizeof line, "end %" PRIu64 "\n", before);
        break;
    case EVENT_OP_BEGIN:
        n = snprintf(line, sizeof line, "opb %" PRIu64 "\n", before);
        break;
    case EVENT_OP_END:
        n = snprintf(line, sizeof line, "ope %" PRIu64 "\n", before);
        break;
    default:
        n = snprintf(line, sizeof line, "fault %" PRIu64 "\n", value);
        break;
    }
    if (out_fd >= 0 && n > 0) {
        if (map && kind != EVENT_FAULT) {
            write_mix();
        }
        ssize_t ignored = write(out_fd, line, (size_t)n);
        (void)ignored;
    }
}

// The instruction count as the guest's clock, written from a thread of the plugin's own: the vCPU
// thread is never slowed by it. Each line is one write(), so it never splits another line.
static void *clock_thread(void *unused)
{
    (void)unused;
    uint64_t last = UINT64_MAX;
    for (;;) {
        struct timespec interval = {0, 25 * 1000 * 1000};
        nanosleep(&interval, NULL);
        uint64_t now = __atomic_load_n(&executed, __ATOMIC_RELAXED);
        if (now != last && out_fd >= 0) {
            char line[40];
            int n = snprintf(line, sizeof line, "clock %" PRIu64 "\n", now);
            ssize_t ignored = write(out_fd, line, (size_t)n);
            (void)ignored;
            last = now;
        }
    }
    return NULL;
}

static bool is_fault_address(uint64_t address)
{
    for (int i = 0; i < fault_count; ++i) {
        if (fault_addresses[i] == address) {
            return true;
        }
    }
    return false;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t count = qemu_plugin_tb_n_insns(tb);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &executed, count);
    for (size_t i = 0; i < count; ++i) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t address = qemu_plugin_insn_vaddr(insn) & ~1ull;
        uint64_t not_yet_run = count - i;
        if (map) {
            size_t found = map_find(address);
            unsigned klass = found == SIZE_MAX ? 0 : map[found].klass;
            if (found != SIZE_MAX && found > 0 && map[found - 1].conditional && map[found - 1].address + map[found - 1].length == address) {
                qemu_plugin_register_vcpu_insn_exec_cb(insn, on_fall_through, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)(found - 1));
            }
            if (found != SIZE_MAX && map[found].conditional) {
                qemu_plugin_register_vcpu_insn_exec_cb(insn, on_conditional_branch, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)found);
            }
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &instructions_run, 1);
            qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &class_executed[klass], 1);
            if (found != SIZE_MAX && map[found].registers) {
                qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &class_registers[klass], map[found].registers);
            }
        }
        if (address == begin_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_event, QEMU_PLUGIN_CB_NO_REGS,
                                                   pack(EVENT_BEGIN, not_yet_run));
        } else if (address == end_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_event, QEMU_PLUGIN_CB_NO_REGS,
                                                   pack(EVENT_END, not_yet_run));
        } else if (address == op_begin_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_event, QEMU_PLUGIN_CB_NO_REGS,
                                                   pack(EVENT_OP_BEGIN, not_yet_run));
        } else if (address == op_end_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_event, QEMU_PLUGIN_CB_NO_REGS,
                                                   pack(EVENT_OP_END, not_yet_run));
        } else if (is_fault_address(address)) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_event, QEMU_PLUGIN_CB_NO_REGS,
                                                   pack(EVENT_FAULT, address));
        }
    }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const qemu_info_t *info, int argc,
                                                               char **argv)
{
    (void)info;
    for (int i = 0; i < argc; ++i) {
        const char *arg = argv[i];
        if (strncmp(arg, "begin=", 6) == 0) {
            begin_address = strtoull(arg + 6, NULL, 0) & ~1ull;
        } else if (strncmp(arg, "end=", 4) == 0) {
            end_address = strtoull(arg + 4, NULL, 0) & ~1ull;
        } else if (strncmp(arg, "opbegin=", 8) == 0) {
            op_begin_address = strtoull(arg + 8, NULL, 0) & ~1ull;
        } else if (strncmp(arg, "opend=", 6) == 0) {
            op_end_address = strtoull(arg + 6, NULL, 0) & ~1ull;
        } else if (strncmp(arg, "fault=", 6) == 0 && fault_count < MAX_FAULT_ADDRESSES) {
            fault_addresses[fault_count++] = strtoull(arg + 6, NULL, 0) & ~1ull;
        } else if (strncmp(arg, "classes=", 8) == 0) {
            if (!load_map(arg + 8)) {
                fprintf(stderr, "insn_count plugin: cannot read the code map %s\n", arg + 8);
                return -1;
            }
        } else if (strncmp(arg, "out=", 4) == 0) {
            out_fd = open(arg + 4, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (out_fd < 0) {
                fprintf(stderr, "insn_count plugin: cannot open %s\n", arg + 4);
                return -1;
            }
        } else {
            fprintf(stderr, "insn_count plugin: unknown argument %s\n", arg);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    pthread_t clock;
    if (pthread_create(&clock, NULL, clock_thread, NULL) == 0) {
        pthread_detach(clock);
    }
    return 0;
}
