/*
 * GDB remote serial protocol client for QEMU's gdbstub (see gdb_remote.h).
 * Received bytes are buffered raw and a packet is only parsed once its
 * "#xx" has arrived, so a read interrupted by a signal or a timeout never
 * loses half a packet, and pipelined replies come back one per call.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gdb_remote.h"

#define READ_CHUNK 4096
/* Asked for per qXfer read; QEMU clamps to about half its 4 KiB packet. */
#define QXFER_CHUNK 0x1000

static const char hexdigits[] = "0123456789abcdef";

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void gdb_init(struct gdb_conn *g, int fd)
{
	memset(g, 0, sizeof(*g));
	g->fd = fd;
}

void gdb_free(struct gdb_conn *g)
{
	free(g->in);
	free(g->out);
	g->in = g->out = NULL;
	g->in_len = g->in_pos = g->in_cap = g->out_len = g->out_cap = 0;
}

static bool needs_escape(unsigned char c)
{
	return c == '#' || c == '$' || c == '}' || c == '*';
}

static size_t framed_len(const unsigned char *s, size_t len)
{
	size_t n = len + 4;

	for (size_t i = 0; i < len; i++)
		n += needs_escape(s[i]);
	return n;
}

size_t gdb_frame(const void *payload, size_t len, char *out, size_t outlen)
{
	const unsigned char *s = payload;
	unsigned char sum = 0;
	size_t o = 0;

	if (framed_len(s, len) > outlen)
		return 0;
	out[o++] = '$';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (needs_escape(c)) {
			out[o++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		out[o++] = c;
		sum += c;
	}
	out[o++] = '#';
	out[o++] = hexdigits[sum >> 4];
	out[o++] = hexdigits[sum & 15];
	return o;
}

/* Room for need more bytes at the end of the output queue, or NULL. */
static char *reserve(struct gdb_conn *g, size_t need)
{
	if (g->out_cap - g->out_len < need) {
		size_t cap = g->out_cap ? g->out_cap : 256;
		char *p;

		while (cap - g->out_len < need)
			cap *= 2;
		p = realloc(g->out, cap);
		if (!p)
			return NULL;
		g->out = p;
		g->out_cap = cap;
	}
	return g->out + g->out_len;
}

int gdb_queue(struct gdb_conn *g, const char *payload)
{
	size_t len = strlen(payload);
	size_t need = framed_len((const unsigned char *)payload, len);
	char *p = reserve(g, need);

	if (!p)
		return -ENOMEM;
	g->out_len += gdb_frame(payload, len, p, need);
	g->sent++;
	return 0;
}

int gdb_flush(struct gdb_conn *g)
{
	size_t done = 0;
	int err = 0;

	while (done < g->out_len) {
		/* send(), not write(): MSG_NOSIGNAL turns a dead stub into EPIPE. */
		ssize_t r = send(g->fd, g->out + done, g->out_len - done, MSG_NOSIGNAL);
		struct pollfd pfd = { .fd = g->fd, .events = POLLOUT };

		if (r >= 0) {
			done += r;
			continue;
		}
		if (errno == EINTR)
			continue;
		/* Someone made the socket non-blocking: behave as if it were not. */
		if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
		    (poll(&pfd, 1, -1) >= 0 || errno == EINTR))
			continue;
		err = -errno;
		break;
	}
	if (done) {
		memmove(g->out, g->out + done, g->out_len - done);
		g->out_len -= done;
	}
	return err;
}

int gdb_send(struct gdb_conn *g, const char *payload)
{
	int r = gdb_queue(g, payload);

	return r ? r : gdb_flush(g);
}

/* Raw bytes outside any packet ('+', '-', 0x03), behind what is queued. */
static int send_raw(struct gdb_conn *g, char c)
{
	char *p = reserve(g, 1);

	if (!p)
		return -ENOMEM;
	*p = c;
	g->out_len++;
	return gdb_flush(g);
}

int gdb_interrupt(struct gdb_conn *g)
{
	return send_raw(g, 0x03);
}

static void ack(struct gdb_conn *g, char c)
{
	/*
	 * Errors ignored: a lost ack costs at most a retransmit, and a dead
	 * stub shows up on the next read.  Not worth failing a good packet.
	 */
	char *p;

	if (g->no_ack)
		return;
	if (c != '+' || !g->lazy_acks) {
		send_raw(g, c);
		return;
	}
	p = reserve(g, 1);
	if (p) {
		*p = c;
		g->out_len++;
	}
}

/* Undo '}' escapes and '*' run lengths of a raw payload into out. */
static int decode(const char *s, size_t n, char *out, size_t max)
{
	size_t len = 0, room = max ? max - 1 : 0;
	unsigned char c, last = 0;

	if (max)
		out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t rep = 1;

		c = s[i];
		if (c == '}') {
			if (++i == n)
				return -EBADMSG;
			c = s[i] ^ 0x20;
		} else if (c == '*') {
			/*
			 * GDB's rule: the next char minus 29 is how many more
			 * times the previous byte repeats ("0* " is "0000").
			 */
			if (!len || ++i == n || (unsigned char)s[i] < 30)
				return -EBADMSG;
			rep = (unsigned char)s[i] - 29;
			c = last;
		}
		for (; rep; rep--, len++)
			if (len < room)
				out[len] = c;
		last = c;
	}
	if (max)
		out[len < room ? len : room] = '\0';
	return len > room ? -EMSGSIZE : (int)len;
}

/* One packet from the buffered bytes, or -EAGAIN if it is not all here. */
static int parse(struct gdb_conn *g, char *out, size_t max)
{
	const char *p, *hash;
	unsigned char sum = 0;
	size_t avail, n;
	int hi, lo;

	while (g->in_pos < g->in_len && g->in[g->in_pos] != '$')
		if (g->in[g->in_pos++] == '-')
			return -EPROTO;
	if (g->in_pos == g->in_len)
		return -EAGAIN;
	p = g->in + g->in_pos;
	avail = g->in_len - g->in_pos;
	/* Escaping guarantees the first raw '#' ends the payload. */
	hash = memchr(p, '#', avail);
	if (!hash) {
		if (avail <= GDB_MAX_PACKET)
			return -EAGAIN;
		/* Runaway packet: nothing sane to resynchronise on. */
		g->in_pos = g->in_len = 0;
		return -EMSGSIZE;
	}
	if (hash + 3 > p + avail)
		return -EAGAIN;

	n = hash - p - 1;
	for (size_t i = 1; i <= n; i++)
		sum += p[i];
	hi = hexval(hash[1]);
	lo = hexval(hash[2]);
	g->in_pos += n + 4;
	g->received++;
	if (hi < 0 || lo < 0 || (hi << 4 | lo) != sum) {
		ack(g, '-');
		return -EBADMSG;
	}
	ack(g, '+');
	/* p stays valid: nothing moves g->in until the next read. */
	return decode(p + 1, n, out, max);
}

/* Read more bytes into g->in, waiting until deadline (ms, < 0: forever). */
static int fill(struct gdb_conn *g, int64_t deadline)
{
	struct pollfd pfd = { .fd = g->fd, .events = POLLIN };
	int ms = -1;
	ssize_t r;

	if (g->in_pos == g->in_len) {
		g->in_pos = g->in_len = 0;
	} else if (g->in_pos && g->in_cap - g->in_len < READ_CHUNK) {
		memmove(g->in, g->in + g->in_pos, g->in_len - g->in_pos);
		g->in_len -= g->in_pos;
		g->in_pos = 0;
	}
	if (g->in_cap - g->in_len < READ_CHUNK) {
		size_t cap = g->in_cap * 2 > g->in_len + READ_CHUNK ?
			     g->in_cap * 2 : g->in_len + READ_CHUNK;
		char *p = realloc(g->in, cap);

		if (!p)
			return -ENOMEM;
		g->in = p;
		g->in_cap = cap;
	}

	if (deadline >= 0) {
		int64_t left = deadline - now_ms();

		ms = left < 0 ? 0 : left;
	}
	r = poll(&pfd, 1, ms);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	r = read(g->fd, g->in + g->in_len, g->in_cap - g->in_len);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	if (r == 0)
		return -EPIPE;
	g->in_len += r;
	return 0;
}

int gdb_recv(struct gdb_conn *g, char *out, size_t max, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

	for (;;) {
		int r = parse(g, out, max);

		if (r != -EAGAIN)
			return r;
		r = fill(g, deadline);
		if (r == -EINTR && g->retry_eintr)
			continue;
		if (r < 0)
			return r;
	}
}

int gdb_command(struct gdb_conn *g, const char *payload, char *reply, size_t max,
		int timeout_ms)
{
	int r = gdb_send(g, payload);

	return r ? r : gdb_recv(g, reply, max, timeout_ms);
}

int gdb_qxfer(struct gdb_conn *g, const char *object, const char *annex,
	      char *buf, size_t max, int timeout_ms)
{
	char req[256], reply[QXFER_CHUNK + 2];
	size_t total = 0;

	if (!max)
		return -EMSGSIZE;
	for (;;) {
		size_t len;
		int r;

		if ((size_t)snprintf(req, sizeof(req), "qXfer:%s:read:%s:%zx,%x",
				     object, annex, total, QXFER_CHUNK) >= sizeof(req))
			return -ENAMETOOLONG;
		r = gdb_command(g, req, reply, sizeof(reply), timeout_ms);
		if (r == -EMSGSIZE)
			return -EPROTO;  /* the stub sent more than we asked for */
		if (r < 0)
			return r;
		if (r == 0)
			return -EOPNOTSUPP;
		if (reply[0] == 'E')
			return -EIO;
		if (reply[0] != 'm' && reply[0] != 'l')
			return -EPROTO;
		len = r - 1;
		if (len > max - 1 - total)
			return -EMSGSIZE;
		memcpy(buf + total, reply + 1, len);
		total += len;
		if (reply[0] == 'l')
			break;
		if (!len)
			return -EPROTO;  /* an empty 'm' would ask again forever */
	}
	buf[total] = '\0';
	return total;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Next key="value" (or '') of a tag at *p; false at '/', '>' or garbage. */
static bool next_attr(const char **p, const char **k, size_t *klen,
		      const char **v, size_t *vlen)
{
	const char *s = *p + strspn(*p, " \t\r\n");
	const char *end;

	*k = s;
	*klen = strcspn(s, " \t\r\n=/>");
	s += *klen;
	s += strspn(s, " \t\r\n");
	if (!*klen || *s++ != '=')
		return false;
	s += strspn(s, " \t\r\n");
	if (*s != '"' && *s != '\'')
		return false;
	end = strchr(s + 1, *s);
	if (!end)
		return false;
	*v = s + 1;
	*vlen = end - *v;
	*p = end + 1;
	return true;
}

static bool is_key(const char *k, size_t klen, const char *want)
{
	return klen == strlen(want) && !memcmp(k, want, klen);
}

static int parse_uint(const char *s, size_t len, unsigned *v)
{
	unsigned x = 0;

	if (!len || len > 9)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

int gdb_parse_regs(const char *xml, struct gdb_reg *regs, unsigned *n, unsigned max)
{
	unsigned i = *n, regnum = 0, offset = 0;
	const char *p = xml;

	if (i) {
		regnum = regs[i - 1].regnum + 1;
		offset = regs[i - 1].offset + (regs[i - 1].bitsize + 7) / 8;
	}
	while ((p = strchr(p, '<'))) {
		struct gdb_reg r = { .regnum = regnum, .offset = offset };
		bool named = false, sized = false;
		const char *k, *v;
		size_t kl, vl;

		/* Comments matter: QEMU's XML comments out whole <reg>s. */
		if (!strncmp(p, "<!--", 4)) {
			p = strstr(p + 4, "-->");
			if (!p)
				break;
			continue;
		}
		if (strncmp(p, "<reg", 4) ||
		    !(is_space(p[4]) || p[4] == '/' || p[4] == '>')) {
			p++;
			continue;
		}
		p += 4;
		while (next_attr(&p, &k, &kl, &v, &vl)) {
			if (is_key(k, kl, "name")) {
				if (vl >= sizeof(r.name))
					return -ENAMETOOLONG;
				memcpy(r.name, v, vl);
				named = vl;
			} else if (is_key(k, kl, "bitsize")) {
				if (parse_uint(v, vl, &r.bitsize))
					return -EINVAL;
				sized = true;
			} else if (is_key(k, kl, "regnum")) {
				if (parse_uint(v, vl, &r.regnum))
					return -EINVAL;
			}
		}
		if (!named || !sized)
			return -EINVAL;
		if (i == max)
			return -E2BIG;
		regs[i++] = r;
		regnum = r.regnum + 1;
		offset = r.offset + (r.bitsize + 7) / 8;
	}
	*n = i;
	return 0;
}

int gdb_find_reg(const struct gdb_reg *regs, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(regs[i].name, name))
			return i;
	return -1;
}

int gdb_hex_to_le(const char *hex, unsigned nbytes, uint64_t *v)
{
	uint64_t x = 0;

	if (nbytes < 1 || nbytes > 8)
		return -EINVAL;
	for (unsigned i = 0; i < nbytes; i++) {
		/* A NUL is not a hex digit, so short input stops here. */
		int hi = hexval(hex[2 * i]);
		int lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);

		if (lo < 0)
			return -EINVAL;
		x |= (uint64_t)(hi << 4 | lo) << (8 * i);
	}
	*v = x;
	return 0;
}

void gdb_le_to_hex(uint64_t v, unsigned nbytes, char *out)
{
	for (unsigned i = 0; i < nbytes; i++) {
		unsigned b = i < 8 ? (v >> (8 * i)) & 0xff : 0;

		*out++ = hexdigits[b >> 4];
		*out++ = hexdigits[b & 15];
	}
	*out = '\0';
}
