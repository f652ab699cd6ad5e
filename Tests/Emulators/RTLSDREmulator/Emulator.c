// umockdev glue of the emulated dongle: the testbed, the sysfs device with its descriptors, and the
// usbdevfs ioctl handler (runs on umockdev's handler thread, in this process: URB pointers from the
// client are valid here, so URBs are read and completed in place).
#define _GNU_SOURCE
#include "RTLSDREmulator.h"
#include "RegisterModel.h"
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <umockdev.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>

#define QUEUE_MAX 1024
#define SYSFS_PATH "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"

typedef struct {
    struct usbdevfs_urb *items[QUEUE_MAX];
    int count;
} urb_queue;

struct gsd_rtlsdr_emulator {
    UMockdevTestbed *testbed;
    UMockdevIoctlBase *handler;
    pthread_mutex_t lock;
    rtl_register_model model;
    char serial[128];
    int tuner;           // enum gsd_rtlsdr_emulator_tuner
    int paced;
    int plugged;
    int claimed;
    uint32_t devnum;
    char node[64];
    urb_queue done;      // completed, waiting to be reaped (control first: reaped before bulk)
    urb_queue bulk;      // bulk IN URBs waiting for data
    urb_queue held;      // control URBs that never complete (timeout injection)
    int stall_control, hold_control, stall_bulk;
    int short_bulk, short_bulk_length;
    uint64_t control_transfers, bulk_urbs, bulk_bytes, discarded_urbs;
    uint64_t stream_offset;  // next pattern byte
    double credit;           // pacing: bytes that may be delivered now
    double last_refill;      // monotonic seconds
};

static gsd_rtlsdr_emulator *shared_emulator;

static int is_blog_v4(const gsd_rtlsdr_emulator *e) { return e->tuner == GSD_RTLSDR_EMULATOR_BLOG_V4; }

// (Re)initialises the register model for the emulated dongle kind: the RTL-SDR Blog V4 is an R828D with
// a 28.8 MHz crystal and its own USB strings.
static void model_setup(gsd_rtlsdr_emulator *e, uint32_t rtl_xtal) {
    rtl_model_init(&e->model, e->tuner == GSD_RTLSDR_EMULATOR_R820T ? 0x34 : 0x74, rtl_xtal, e->serial);
    if (is_blog_v4(e)) {
        e->model.tuner_xtal_hz = 28800000u;
        e->model.strings[1] = "RTLSDRBlog";
        e->model.strings[2] = "Blog V4";
    }
}
// The emulator alive in this process (for the libusb_dev_mem_alloc interposer).
gsd_rtlsdr_emulator *gsd_rtlsdr_emulator_active;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void push(urb_queue *q, struct usbdevfs_urb *u) {
    if (q->count < QUEUE_MAX) q->items[q->count++] = u;
}

static struct usbdevfs_urb *pop(urb_queue *q) {
    if (q->count == 0) return NULL;
    struct usbdevfs_urb *u = q->items[0];
    memmove(q->items, q->items + 1, (size_t)(q->count - 1) * sizeof q->items[0]);
    q->count--;
    return u;
}

static int take(urb_queue *q, struct usbdevfs_urb *u) {
    for (int i = 0; i < q->count; i++) {
        if (q->items[i] == u) {
            memmove(q->items + i, q->items + i + 1, (size_t)(q->count - i - 1) * sizeof q->items[0]);
            q->count--;
            return 1;
        }
    }
    return 0;
}

static void fill_pattern(gsd_rtlsdr_emulator *e, uint8_t *buffer, int length) {
    uint64_t k = e->stream_offset;
    int i = 0;
    for (; i < length && (k & 3); i++, k++) buffer[i] = (uint8_t)((uint32_t)(k >> 2) >> (8 * (k & 3)));
    for (; i + 4 <= length; i += 4, k += 4) {  // whole little-endian words
        uint32_t word = (uint32_t)(k >> 2);
        uint8_t le[4] = {(uint8_t)word, (uint8_t)(word >> 8), (uint8_t)(word >> 16), (uint8_t)(word >> 24)};
        memcpy(buffer + i, le, 4);
    }
    for (; i < length; i++, k++) buffer[i] = (uint8_t)((uint32_t)(k >> 2) >> (8 * (k & 3)));
    e->stream_offset = k;
}

static void submit_control(gsd_rtlsdr_emulator *e, struct usbdevfs_urb *u) {
    uint8_t *b = u->buffer;
    uint8_t type = b[0], request = b[1];
    uint16_t value = (uint16_t)(b[2] | b[3] << 8), index = (uint16_t)(b[4] | b[5] << 8);
    uint16_t length = (uint16_t)(b[6] | b[7] << 8);
    if (length > u->buffer_length - 8) length = (uint16_t)(u->buffer_length - 8);
    e->control_transfers++;
    if (e->hold_control > 0) {
        e->hold_control--;
        push(&e->held, u);
        return;
    }
    if (e->stall_control > 0) {
        e->stall_control--;
        u->status = -EPIPE;
        u->actual_length = 0;
        push(&e->done, u);
        return;
    }
    int n = rtl_model_control(&e->model, type, request, value, index, b + 8, length);
    if (n < 0) {
        u->status = n;
        u->actual_length = 0;
    } else {
        u->status = 0;
        u->actual_length = n;
        // Restarting the endpoint (USB_EPA_CTL 0x2148 back to 0) restarts the pacing.
        if (type == 0x40 && (index >> 8) == 1 && value == 0x2148) {
            e->credit = 0;
            e->last_refill = now_seconds();
        }
    }
    push(&e->done, u);
}

// The next completed URB, or NULL (EAGAIN). Control and cancelled URBs first, then bulk data.
static struct usbdevfs_urb *reap(gsd_rtlsdr_emulator *e) {
    struct usbdevfs_urb *u = pop(&e->done);
    if (u || !e->plugged) return u;
    if (e->bulk.count == 0) return NULL;
    u = e->bulk.items[0];
    if (e->stall_bulk > 0) {
        e->stall_bulk--;
        pop(&e->bulk);
        u->status = -EPIPE;
        u->actual_length = 0;
        return u;
    }
    if (e->paced) {
        double rate = rtl_model_sample_rate(&e->model) * 2.0;
        double t = now_seconds();
        if (rate > 0) e->credit += (t - e->last_refill) * rate;
        e->last_refill = t;
        double cap = 4.0 * (double)u->buffer_length;
        if (e->credit > cap) e->credit = cap;
        if (e->credit < (double)u->buffer_length) return NULL;
        e->credit -= (double)u->buffer_length;
    }
    pop(&e->bulk);
    int length = u->buffer_length;
    if (e->short_bulk > 0) {  // a short packet ended the transfer early; the stream goes on after it
        e->short_bulk--;
        if (e->short_bulk_length < length) length = e->short_bulk_length;
    }
    fill_pattern(e, u->buffer, length);
    u->status = 0;
    u->actual_length = length;
    e->bulk_urbs++;
    e->bulk_bytes += (uint64_t)length;
    return u;
}

static gboolean handle_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user) {
    (void)handler;
    gsd_rtlsdr_emulator *e = user;
    gulong request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
    void *argp = arg && arg->data ? *(void **)arg->data : NULL;
    long result = 0;
    int err = 0;
    pthread_mutex_lock(&e->lock);
    if (request == USBDEVFS_REAPURB || request == USBDEVFS_REAPURBNDELAY) {
        struct usbdevfs_urb *u = reap(e);
        if (u) *(void **)argp = u;
        else if (!e->plugged) { result = -1; err = ENODEV; }
        else { result = -1; err = EAGAIN; }
    } else if (!e->plugged) {
        result = -1;
        err = ENODEV;
    } else if (request == USBDEVFS_SUBMITURB) {
        struct usbdevfs_urb *u = argp;
        if (u->type == USBDEVFS_URB_TYPE_CONTROL && u->buffer_length >= 8) {
            submit_control(e, u);
        } else if (u->type == USBDEVFS_URB_TYPE_BULK && u->endpoint == 0x81) {
            if (e->bulk.count == 0 && e->paced && e->credit == 0) e->last_refill = now_seconds();
            push(&e->bulk, u);
        } else {
            result = -1;
            err = EINVAL;
        }
    } else if (request == USBDEVFS_DISCARDURB) {
        struct usbdevfs_urb *u = argp;
        if (take(&e->bulk, u) || take(&e->held, u)) {
            u->status = -ENOENT;
            u->actual_length = 0;
            e->discarded_urbs++;
            push(&e->done, u);
        } else {
            result = -1;
            err = EINVAL;
        }
    } else if (request == USBDEVFS_GET_CAPABILITIES) {
        // No BULK_CONTINUATION: libusb would then split transfers into 16 KiB URBs; with
        // NO_PACKET_SIZE_LIM alone each transfer is one URB (fewer round trips through umockdev).
        *(uint32_t *)argp = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                            USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
    } else if (request == USBDEVFS_CLAIMINTERFACE) {
        if (*(unsigned int *)argp == 0) e->claimed = 1;
    } else if (request == USBDEVFS_RELEASEINTERFACE) {
        if (*(unsigned int *)argp == 0) e->claimed = 0;
    } else if (request == USBDEVFS_GETDRIVER || request == USBDEVFS_IOCTL) {
        result = -1;  // no kernel driver bound
        err = ENODATA;
    }
    // Everything else (SETINTERFACE, CLEAR_HALT, RESET, SETCONFIGURATION, ...) succeeds.
    pthread_mutex_unlock(&e->lock);
    umockdev_ioctl_client_complete(client, result, err);
    return TRUE;
}

static const char descriptors_hex[] =
    // device: USB 2.0, vendor class, EP0 64 bytes, 0bda:2838, bcdDevice 1.00, strings 1/2/3, 1 config
    "12010002000000" "40" "da0b" "3828" "0001" "010203" "01"
    // configuration: 34 bytes, 2 interfaces, value 1, bus powered, 500 mA
    "09022200020100" "80" "fa"
    // interface 0: 1 endpoint, vendor class; endpoint 0x81 bulk IN, 512 bytes
    "090400000" "1ffffff00" "0705810200" "0200"
    // interface 1: no endpoints
    "090401000" "0ffffff00";

static int add_device(gsd_rtlsdr_emulator *e, char *error, size_t error_size) {
    snprintf(e->node, sizeof e->node, "/dev/bus/usb/001/%03u", e->devnum);
    GError *gerr = NULL;
    if (!umockdev_testbed_attach_ioctl(e->testbed, e->node, e->handler, &gerr)) {
        snprintf(error, error_size, "umockdev: cannot attach the ioctl handler to %s: %s", e->node,
                 gerr ? gerr->message : "?");
        g_clear_error(&gerr);
        return 0;
    }
    char text[2048];
    snprintf(text, sizeof text,
             "P: /devices/pci0000:00/0000:00:14.0/usb1/1-1\n"
             "N: bus/usb/001/%03u\n"
             "E: SUBSYSTEM=usb\n"
             "E: DEVTYPE=usb_device\n"
             "E: DEVNAME=/dev/bus/usb/001/%03u\n"
             "E: BUSNUM=001\n"
             "E: DEVNUM=%03u\n"
             "E: PRODUCT=bda/2838/100\n"
             "E: ID_VENDOR_ID=0bda\n"
             "E: ID_MODEL_ID=2838\n"
             "E: ID_SERIAL_SHORT=%s\n"
             "A: busnum=1\\n\n"
             "A: devnum=%u\\n\n"
             "A: speed=480\\n\n"
             "A: bConfigurationValue=1\\n\n"
             "A: idVendor=0bda\\n\n"
             "A: idProduct=2838\\n\n"
             "A: manufacturer=%s\\n\n"
             "A: product=%s\\n\n"
             "A: serial=%s\\n\n"
             "H: descriptors=%s\n",
             e->devnum, e->devnum, e->devnum, e->serial, e->devnum, e->model.strings[1], e->model.strings[2], e->serial,
             descriptors_hex);
    if (!umockdev_testbed_add_from_string(e->testbed, text, &gerr)) {
        snprintf(error, error_size, "umockdev: cannot add the RTL2832U device: %s", gerr ? gerr->message : "?");
        g_clear_error(&gerr);
        return 0;
    }
    e->plugged = 1;
    return 1;
}

int gsd_rtlsdr_emulator_preload_active(void) {
    const char *p = getenv("LD_PRELOAD");
    return p && strstr(p, "libumockdev-preload") != NULL;
}

gsd_rtlsdr_emulator *gsd_rtlsdr_emulator_start(const gsd_rtlsdr_emulator_options *options, char *error,
                                               size_t error_size) {
    char scratch[8];
    if (!error) { error = scratch; error_size = sizeof scratch; }
    if (!gsd_rtlsdr_emulator_preload_active()) {
        snprintf(error, error_size,
                 "not running under umockdev's preload (run under umockdev-wrapper or with "
                 "LD_PRELOAD=libumockdev-preload.so.0)");
        return NULL;
    }
    if (gsd_rtlsdr_emulator_active) {
        snprintf(error, error_size, "an emulated RTL-SDR is already running in this process");
        return NULL;
    }
    gsd_rtlsdr_emulator *e = calloc(1, sizeof *e);
    if (!e) { snprintf(error, error_size, "out of memory"); return NULL; }
    pthread_mutex_init(&e->lock, NULL);
    snprintf(e->serial, sizeof e->serial, "%s", options && options->serial ? options->serial : "00000001");
    e->tuner = options ? options->tuner : GSD_RTLSDR_EMULATOR_R820T;
    model_setup(e, options && options->rtl_xtal_hz ? options->rtl_xtal_hz : 28800000u);
    e->paced = options ? options->paced : 0;
    e->devnum = 2;
    e->last_refill = now_seconds();
    e->testbed = umockdev_testbed_new();
    e->handler = umockdev_ioctl_base_new();
    g_signal_connect_data(e->handler, "handle-ioctl", G_CALLBACK(handle_ioctl), e, NULL, (GConnectFlags)0);
    if (!add_device(e, error, error_size)) {
        g_object_unref(e->handler);
        g_object_unref(e->testbed);
        pthread_mutex_destroy(&e->lock);
        free(e);
        return NULL;
    }
    gsd_rtlsdr_emulator_active = e;
    return e;
}

void gsd_rtlsdr_emulator_stop(gsd_rtlsdr_emulator *e) {
    if (!e) return;
    if (gsd_rtlsdr_emulator_active == e) gsd_rtlsdr_emulator_active = NULL;
    if (shared_emulator == e) shared_emulator = NULL;
    umockdev_testbed_clear(e->testbed);
    g_object_unref(e->testbed);
    g_object_unref(e->handler);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

void gsd_rtlsdr_emulator_unplug(gsd_rtlsdr_emulator *e) {
    pthread_mutex_lock(&e->lock);
    if (!e->plugged) { pthread_mutex_unlock(&e->lock); return; }
    e->plugged = 0;
    e->claimed = 0;
    struct usbdevfs_urb *u;
    while ((u = pop(&e->bulk)) || (u = pop(&e->held))) {
        u->status = -ESHUTDOWN;
        u->actual_length = 0;
        push(&e->done, u);
    }
    pthread_mutex_unlock(&e->lock);
    umockdev_testbed_uevent(e->testbed, SYSFS_PATH, "remove");
    umockdev_testbed_remove_device(e->testbed, SYSFS_PATH);
}

void gsd_rtlsdr_emulator_replug(gsd_rtlsdr_emulator *e) {
    pthread_mutex_lock(&e->lock);
    int plugged = e->plugged;
    if (!plugged) {
        e->devnum++;
        e->done.count = 0;
        e->stream_offset = 0;
        model_setup(e, e->model.xtal_hz);
    }
    pthread_mutex_unlock(&e->lock);
    if (plugged) return;
    char error[256];
    if (add_device(e, error, sizeof error)) umockdev_testbed_uevent(e->testbed, SYSFS_PATH, "add");
    else fprintf(stderr, "gsd RTL-SDR emulator: replug failed: %s\n", error);
}

void gsd_rtlsdr_emulator_stall_control(gsd_rtlsdr_emulator *e, int count) {
    pthread_mutex_lock(&e->lock);
    e->stall_control = count;
    pthread_mutex_unlock(&e->lock);
}

void gsd_rtlsdr_emulator_hold_control(gsd_rtlsdr_emulator *e, int count) {
    pthread_mutex_lock(&e->lock);
    e->hold_control = count;
    pthread_mutex_unlock(&e->lock);
}

void gsd_rtlsdr_emulator_stall_bulk(gsd_rtlsdr_emulator *e, int count) {
    pthread_mutex_lock(&e->lock);
    e->stall_bulk = count;
    pthread_mutex_unlock(&e->lock);
}

void gsd_rtlsdr_emulator_short_bulk(gsd_rtlsdr_emulator *e, int count, int length) {
    pthread_mutex_lock(&e->lock);
    e->short_bulk = count;
    e->short_bulk_length = length < 0 ? 0 : length;
    pthread_mutex_unlock(&e->lock);
}

void gsd_rtlsdr_emulator_get_state(gsd_rtlsdr_emulator *e, gsd_rtlsdr_emulator_state *s) {
    memset(s, 0, sizeof *s);
    pthread_mutex_lock(&e->lock);
    const rtl_register_model *m = &e->model;
    s->control_transfers = e->control_transfers;
    s->bulk_urbs = e->bulk_urbs;
    s->bulk_bytes = e->bulk_bytes;
    s->discarded_urbs = e->discarded_urbs;
    s->devnum = e->devnum;
    s->plugged = e->plugged;
    s->claimed = e->claimed;
    s->tuner_i2c_address = m->tuner_address;
    s->resampler_ratio = rtl_model_resampler_ratio(m);
    s->sample_rate_hz = rtl_model_sample_rate(m);
    s->tuner_lo_hz = rtl_model_tuner_lo(m);
    int32_t w = (int32_t)((uint32_t)(m->demod[1][0x19] & 0x3f) << 16 | (uint32_t)m->demod[1][0x1a] << 8 | m->demod[1][0x1b]);
    if (w & 0x200000) w -= 0x400000;
    s->if_frequency_word = w;
    s->demod_agc = (m->demod[0][0x19] & 0x20) != 0;
    s->test_mode = (m->demod[0][0x19] & 0x03) == 0x03;
    s->direct_sampling = m->demod[1][0xb1] == 0x1a ? (m->demod[0][0x06] == 0x90 ? 2 : 1) : 0;
    s->bias_tee = (m->sys[0x3001] & 1) && (m->sys[0x3003] & 1) && !(m->sys[0x3004] & 1);
    s->lna_auto = !(m->tuner[0x05] & 0x10);
    s->mixer_auto = (m->tuner[0x07] & 0x10) != 0;
    s->lna_index = m->tuner[0x05] & 0x0f;
    s->mixer_index = m->tuner[0x07] & 0x0f;
    s->vga = m->tuner[0x0c] & 0x0f;
    s->filter_code = rtl_model_filter_code(m);
    int16_t p = (int16_t)((m->demod[1][0x3e] & 0x3f) << 8 | m->demod[1][0x3f]);
    if (p & 0x2000) p = (int16_t)(p - 0x4000);
    s->ppm_word = p;
    s->streaming = m->usb[0x2148] == 0 && m->usb[0x2149] == 0 && m->usb[0x2000] != 0;
    pthread_mutex_unlock(&e->lock);
}

int gsd_rtlsdr_emulator_register(gsd_rtlsdr_emulator *e, int block, uint32_t address) {
    int v = -1;
    pthread_mutex_lock(&e->lock);
    const rtl_register_model *m = &e->model;
    if (block == 0 && address < 0x1000) v = m->demod[(address >> 8) & 0x0f][address & 0xff];
    else if (block == 1 && address < 0x10000) v = m->usb[address];
    else if (block == 2 && address < 0x10000) v = m->sys[address];
    else if (block == 6 && address < 32) v = m->tuner[address];
    pthread_mutex_unlock(&e->lock);
    return v;
}

const char *gsd_rtlsdr_emulator_device_node(gsd_rtlsdr_emulator *e) { return e->node; }

gsd_rtlsdr_emulator *gsd_rtlsdr_emulator_shared(void) { return shared_emulator; }

// Another process gets the dongle by preloading this library with GSD_RTLSDR_EMULATOR=1: the testbed
// must exist before the program's libusb_init, so it is made here, before main.
__attribute__((constructor)) static void gsd_rtlsdr_emulator_constructor(void) {
    const char *on = getenv("GSD_RTLSDR_EMULATOR");
    if (!on || strcmp(on, "1") != 0) return;
    gsd_rtlsdr_emulator_options o = {0};
    o.serial = getenv("GSD_RTLSDR_EMULATOR_SERIAL");
    const char *tuner = getenv("GSD_RTLSDR_EMULATOR_TUNER");
    o.tuner = !tuner ? GSD_RTLSDR_EMULATOR_R820T
              : strcmp(tuner, "r828d") == 0 ? GSD_RTLSDR_EMULATOR_R828D
              : strcmp(tuner, "blog-v4") == 0 ? GSD_RTLSDR_EMULATOR_BLOG_V4 : GSD_RTLSDR_EMULATOR_R820T;
    const char *paced = getenv("GSD_RTLSDR_EMULATOR_PACED");
    o.paced = paced && strcmp(paced, "1") == 0;
    char error[512];
    shared_emulator = gsd_rtlsdr_emulator_start(&o, error, sizeof error);
    if (!shared_emulator) fprintf(stderr, "gsd RTL-SDR emulator: %s\n", error);
}

__attribute__((destructor)) static void gsd_rtlsdr_emulator_destructor(void) {
    if (shared_emulator) gsd_rtlsdr_emulator_stop(shared_emulator);
}
