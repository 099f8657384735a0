/*
 * A small GDB remote serial protocol client: how the VMM drives QEMU's
 * gdbstub over a Unix socket when there is no /dev/kvm.  Framing, acks,
 * escapes and run-length decoding live here; what the packets mean is the
 * caller's business, apart from qXfer reads and target description
 * parsing, which every user of the stub needs.
 *
 * No threads, no global state: one struct gdb_conn per socket.
 */
#ifndef VMM_GDB_REMOTE_H
#define VMM_GDB_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest raw packet gdb_recv() will buffer; QEMU's own limit is 4 KiB. */
#define GDB_MAX_PACKET (1u << 20)

struct gdb_conn {
	int fd;              /* connected stream socket to the stub */
	bool no_ack;         /* after QStartNoAckMode: no '+' acks either way */
	bool lazy_acks;      /* '+' waits in the output queue for the next packet
				(for a stub that never waits for acks, like QEMU's
				system-mode one): one write, one wakeup, not two */
	bool retry_eintr;    /* gdb_recv() goes on after a signal until its
				timeout, instead of returning -EINTR (for callers
				whose signal handlers act on their own) */
	char *in; size_t in_len, in_pos, in_cap;   /* raw bytes received, not yet parsed */
	char *out; size_t out_len, out_cap;        /* framed packets queued, not yet written */
	uint64_t sent, received;   /* packets, for --stats */
};

/* Does not take ownership of fd semantics beyond storing it. */
void gdb_init(struct gdb_conn *g, int fd);
/* Frees buffers; does not close fd. */
void gdb_free(struct gdb_conn *g);

/*
 * Frame `len` bytes of payload as $payload#cs, escaping '#', '$', '}' and
 * '*' as '}' followed by byte^0x20.  Writes at most outlen bytes (no NUL);
 * returns the framed length, or 0 if outlen is too small.
 */
size_t gdb_frame(const void *payload, size_t len, char *out, size_t outlen);

/*
 * Queue one packet (a NUL-terminated payload) for a later gdb_flush(); 0 or
 * -ENOMEM.  Several queued packets go out in one write(): pipelining.
 */
int gdb_queue(struct gdb_conn *g, const char *payload);
/*
 * Write everything queued; 0 or -errno (-EPIPE when the peer is gone, never
 * SIGPIPE).  Retries on EINTR and partial writes; what was not written on
 * error stays queued.  fd must be a socket (send() with MSG_NOSIGNAL).
 */
int gdb_flush(struct gdb_conn *g);
/* gdb_queue + gdb_flush */
int gdb_send(struct gdb_conn *g, const char *payload);
/* Send the out-of-band interrupt byte 0x03 (asks a running target to stop). */
int gdb_interrupt(struct gdb_conn *g);

/*
 * Receive one packet into out (NUL-terminated, at most max-1 payload bytes
 * after decoding '}' escapes and '*' run-length encoding).
 *
 * Skips '+' acks (and any other noise before a '$'); on '-' (the stub asking
 * for a retransmit) returns -EPROTO.  Verifies the checksum: mismatch ->
 * -EBADMSG (and, when !no_ack, sends '-'); good -> sends '+' when !no_ack.
 * A packet with a good checksum but malformed escapes or run lengths is
 * also -EBADMSG.  Acks go through the output queue, so they also flush
 * whatever the caller queued.
 *
 * timeout_ms < 0 waits forever; otherwise it bounds the whole call.
 * Returns the payload length, or -ETIMEDOUT, -EPIPE (EOF), -EMSGSIZE
 * (payload longer than max-1: the packet is consumed; or more than
 * GDB_MAX_PACKET raw bytes without an end: the buffer is discarded and the
 * stream should be considered broken), -EINTR (poll/read interrupted by a
 * signal, unless retry_eintr: no bytes are lost, the partial packet stays
 * buffered and the next call continues it), or another -errno.
 *
 * Stop replies after a 'c' arrive whenever the target stops: this just
 * returns whatever packet comes next.  To enter no-ack mode, send
 * QStartNoAckMode with acks still on, then set no_ack once "OK" is back
 * (our '+' for that OK is harmless: stubs ignore acks outside packets).
 */
int gdb_recv(struct gdb_conn *g, char *out, size_t max, int timeout_ms);

/* gdb_send then gdb_recv; returns gdb_recv's result. */
int gdb_command(struct gdb_conn *g, const char *payload, char *reply, size_t max,
		int timeout_ms);

/*
 * Read a whole qXfer object, e.g. gdb_qxfer(g, "features", "target.xml",
 * buf, max, ms): sends qXfer:OBJECT:read:ANNEX:OFFSET,LEN (hex) repeatedly,
 * concatenating 'm' chunks until an 'l' chunk.  NUL-terminates; returns the
 * total length or -errno: -EIO on an 'E..' reply, -EOPNOTSUPP on an empty
 * one (object not supported), -EPROTO on anything else unexpected,
 * -EMSGSIZE if the object does not fit in max-1 bytes.
 */
int gdb_qxfer(struct gdb_conn *g, const char *object, const char *annex,
	      char *buf, size_t max, int timeout_ms);

/*
 * A register from a target description XML.  offset is the byte offset in
 * a 'g' reply, valid for the registers QEMU puts there (the core ones).
 */
struct gdb_reg {
	char name[16];
	unsigned bitsize;
	unsigned regnum;
	unsigned offset;
};

/*
 * Append the <reg name=".." bitsize=".." [regnum=".."] .../> elements of xml
 * to regs[*n..max) in document order.  Numbers and offsets continue from
 * the last register already in regs; regnum, when present, resets the
 * running number, as GDB does.  Everything else (<feature>, <flags>,
 * <xi:include>, comments, including commented-out <reg>s) is ignored.
 * Returns 0, -E2BIG if more than max, -EINVAL for a <reg> without a name or
 * with a bad number, -ENAMETOOLONG for a name over 15 chars; on error *n
 * is unchanged.
 */
int gdb_parse_regs(const char *xml, struct gdb_reg *regs, unsigned *n, unsigned max);
/* Index into regs of the register called name, or -1. */
int gdb_find_reg(const struct gdb_reg *regs, unsigned n, const char *name);

/*
 * Little-endian hex (as in 'p'/'g' replies) <-> integer; nbytes 1..8.
 * gdb_hex_to_le reads exactly 2*nbytes digits (more may follow) and returns
 * 0 or -EINVAL on a non-hex digit (such as QEMU's "xx" for an unavailable
 * register), short input or a bad nbytes.
 */
int gdb_hex_to_le(const char *hex, unsigned nbytes, uint64_t *v);
/* Writes 2*nbytes lowercase hex chars + NUL. */
void gdb_le_to_hex(uint64_t v, unsigned nbytes, char *out);

#endif
