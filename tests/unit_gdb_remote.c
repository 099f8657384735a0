/*
 * GDB remote protocol client unit tests.  The test plays QEMU's gdbstub on
 * the other end of a socketpair, byte for byte: canned packets with
 * checksums worked out by hand (sum of the raw bytes between '$' and '#',
 * mod 256), and checks of exactly what the client puts on the wire.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "gdb_remote.h"

static struct gdb_conn g;
static int peer = -1;
static char buf[256];

static void setup(void)
{
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	gdb_init(&g, sv[0]);
	peer = sv[1];
}

static void teardown(void)
{
	close(g.fd);
	gdb_free(&g);
	if (peer >= 0)
		close(peer);
}

TestSuite(gdb, .init = setup, .fini = teardown);

/* The stub sends raw bytes. */
static void put_n(const char *s, size_t n)
{
	cr_assert_eq(write(peer, s, n), (ssize_t)n);
}

static void put(const char *s)
{
	put_n(s, strlen(s));
}

/* The stub sends a packet; our own framing, so as not to trust the client's. */
static void put_pkt(const char *payload)
{
	unsigned sum = 0;
	char tail[4];

	for (const char *p = payload; *p; p++)
		sum += (unsigned char)*p;
	snprintf(tail, sizeof(tail), "#%02x", sum & 0xff);
	put("$");
	put(payload);
	put(tail);
}

/* Everything the client has sent so far, NUL-terminated. */
static const char *peer_got(void)
{
	static char got[1024];
	ssize_t n = recv(peer, got, sizeof(got) - 1, MSG_DONTWAIT);

	if (n < 0) {
		cr_assert(errno == EAGAIN || errno == EWOULDBLOCK);
		n = 0;
	}
	got[n] = '\0';
	return got;
}

static void expect_frame(const char *payload, size_t len, const char *want)
{
	char out[64];
	size_t n = gdb_frame(payload, len, out, sizeof(out));

	cr_assert_eq(n, strlen(want), "framing %s", payload);
	cr_assert(!memcmp(out, want, n), "framing %s", payload);
}

Test(gdb, frame_known_packets)
{
	expect_frame("OK", 2, "$OK#9a");                 /* 0x4f+0x4b */
	/* q73 S53 u75 p70 p70 o6f r72 t74 e65 d64 = 0x437 */
	expect_frame("qSupported", 10, "$qSupported#37");
	expect_frame("g", 1, "$g#67");
	expect_frame("?", 1, "$?#3f");
	expect_frame("", 0, "$#00");
	/* 6d + 31 + 30*3 + 2c + 34 = 0x18e */
	expect_frame("m1000,4", 7, "$m1000,4#8e");
}

Test(gdb, frame_escapes)
{
	/* '}' (0x7d) then the byte ^ 0x20; both count in the checksum. */
	expect_frame("#", 1, "$}\x03#80");               /* 7d+03 */
	expect_frame("$", 1, "$}\x04#81");               /* 7d+04 */
	expect_frame("}", 1, "$}]#da");                  /* 7d+5d */
	expect_frame("*", 1, "$}\x0a#87");               /* 7d+0a */
	expect_frame("a#b", 3, "$a}\x03" "b#43");        /* 61+7d+03+62 = 0x143 */
}

Test(gdb, frame_too_small)
{
	char out[8];

	cr_assert_eq(gdb_frame("OK", 2, out, 5), 0);
	cr_assert_eq(gdb_frame("OK", 2, out, 6), 6);
	cr_assert_eq(gdb_frame("#", 1, out, 5), 0);      /* the escape needs a byte too */
	cr_assert_eq(gdb_frame("#", 1, out, 6), 6);
}

Test(gdb, recv_acks_good_packet)
{
	put("$OK#9a");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 2);
	cr_assert_str_eq(buf, "OK");
	cr_assert_str_eq(peer_got(), "+");
	cr_assert_eq(g.received, 1);
}

Test(gdb, recv_no_ack_mode_sends_nothing)
{
	g.no_ack = true;
	put("$OK#9a");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 2);
	cr_assert_str_eq(peer_got(), "");
	/* The checksum is still checked. */
	put("$OK#9b");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), -EBADMSG);
	cr_assert_str_eq(peer_got(), "");
}

Test(gdb, recv_skips_acks)
{
	put("++$T05thread:01;#07");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 13);
	cr_assert_str_eq(buf, "T05thread:01;");
}

Test(gdb, recv_nak_is_eproto)
{
	put("-$OK#9a");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), -EPROTO);
	cr_assert_str_eq(peer_got(), "");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 2);
}

Test(gdb, recv_bad_checksum)
{
	put("$OK#9b");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), -EBADMSG);
	cr_assert_str_eq(peer_got(), "-");
	put("$OK#zz");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), -EBADMSG);
	cr_assert_str_eq(peer_got(), "-");
	/* The retransmission then goes through. */
	put("$OK#9A");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 2);
	cr_assert_str_eq(peer_got(), "+");
}

Test(gdb, recv_decodes_escapes)
{
	/* 7d*4 + 03+5d+04+0a = 0x262 */
	put("$}\x03}]}\x04}\x0a#62");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 4);
	cr_assert_str_eq(buf, "#}$*");
}

Test(gdb, recv_decodes_run_lengths)
{
	/* ' ' is 32: 32 - 29 = 3 more '0's.  30+2a+20 = 0x7a */
	put("$0* #7a");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 4);
	cr_assert_str_eq(buf, "0000");
	/* GDB manual's example: '"' is 34, 5 more.  30+2a+22+30+30 = 0xdc */
	put("$0*\"00#dc");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 8);
	cr_assert_str_eq(buf, "00000000");
	/* An escaped byte repeats decoded: '!' is 33, 4 more.  7d+5d+2a+21 = 0x125 */
	put("$}]*!#25");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 5);
	cr_assert_str_eq(buf, "}}}}}");
}

Test(gdb, recv_malformed_encoding)
{
	put("$*!#4b");                                   /* nothing to repeat */
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), -EBADMSG);
	put("$a}#de");                                   /* escape of nothing */
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), -EBADMSG);
}

Test(gdb, recv_split_at_every_byte)
{
	/* An escape, a run length and the checksum all cut in two: 61+7d+5d+2a+22 = 0x187 */
	static const char pkt[] = "$a}]*\"#87";

	for (size_t i = 0; i < strlen(pkt); i++) {
		put_n(pkt + i, 1);
		if (pkt[i + 1]) {
			cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 0), -ETIMEDOUT, "byte %zu", i);
			cr_assert_str_eq(peer_got(), "");
		}
	}
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 0), 7);
	cr_assert_str_eq(buf, "a}}}}}}");
	cr_assert_str_eq(peer_got(), "+");
}

static void on_alarm(int sig)
{
	(void)sig;
}

Test(gdb, recv_eintr_keeps_partial_packet)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };

	cr_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	put("$O");
	cr_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), -1), -EINTR);
	put("K#9a");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 2);
	cr_assert_str_eq(buf, "OK");
}

/* The rest of the packet arrives from the handler, after the signal. */
static void on_alarm_finish_packet(int sig)
{
	(void)sig;
	if (write(peer, "K#9a", 4) != 4)
		abort();
}

Test(gdb, recv_retry_eintr_goes_on_until_the_packet)
{
	struct sigaction sa = { .sa_handler = on_alarm_finish_packet };
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };

	g.retry_eintr = true;
	cr_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	put("$O");
	cr_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 5000), 2);
	cr_assert_str_eq(buf, "OK");
}

Test(gdb, recv_retry_eintr_keeps_the_deadline)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = 20000 }, .it_interval = { .tv_usec = 20000 } };
	struct itimerval off = { 0 };
	struct timespec a, b;
	int r;

	g.retry_eintr = true;
	cr_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	cr_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	r = gdb_recv(&g, buf, sizeof(buf), 200);
	clock_gettime(CLOCK_MONOTONIC, &b);
	setitimer(ITIMER_REAL, &off, NULL);
	cr_assert_eq(r, -ETIMEDOUT);
	cr_assert_lt((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000, 2000,
		     "signals every 20 ms must not push a 200 ms deadline back");
}

Test(gdb, recv_pipelined_one_at_a_time)
{
	/* E14: 45+31+34 = 0xaa.  S05: 53+30+35 = 0xb8 */
	put("$OK#9a$E14#aa+$S05#b8");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 2);
	cr_assert_str_eq(buf, "OK");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 3);
	cr_assert_str_eq(buf, "E14");
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), 3);
	cr_assert_str_eq(buf, "S05");
	cr_assert_str_eq(peer_got(), "+++");
	cr_assert_eq(g.received, 3);
}

Test(gdb, recv_eof)
{
	put("$O");
	close(peer);
	peer = -1;
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 1000), -EPIPE);
}

Test(gdb, recv_timeout)
{
	struct timespec a, b;

	put("$O");
	clock_gettime(CLOCK_MONOTONIC, &a);
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 30), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	cr_assert_geq((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000, 29);
}

Test(gdb, recv_oversize_consumes_packet)
{
	put("$OK1#cb$OK#9a");                            /* 4f+4b+31 = 0xcb */
	cr_assert_eq(gdb_recv(&g, buf, 3, 1000), -EMSGSIZE);
	cr_assert_eq(gdb_recv(&g, buf, 3, 1000), 2);
	cr_assert_str_eq(buf, "OK");
	/* The limit applies after run-length expansion. */
	put("$0* #7a$0* #7a");
	cr_assert_eq(gdb_recv(&g, buf, 4, 1000), -EMSGSIZE);
	cr_assert_eq(gdb_recv(&g, buf, 5, 1000), 4);
}

static void *runaway_writer(void *arg)
{
	size_t left = GDB_MAX_PACKET + 1024;
	static char zeros[65536];

	(void)arg;
	memset(zeros, '0', sizeof(zeros));
	send(peer, "$", 1, MSG_NOSIGNAL);
	while (left) {
		ssize_t r = send(peer, zeros, left < sizeof(zeros) ? left : sizeof(zeros),
				 MSG_NOSIGNAL);

		if (r <= 0)
			break;
		left -= r;
	}
	return NULL;
}

Test(gdb, recv_runaway_packet_is_bounded)
{
	pthread_t t;

	cr_assert_eq(pthread_create(&t, NULL, runaway_writer, NULL), 0);
	cr_assert_eq(gdb_recv(&g, buf, sizeof(buf), 5000), -EMSGSIZE);
	pthread_join(t, NULL);
	cr_assert_leq(g.in_cap, 2 * GDB_MAX_PACKET + 8192);
}

Test(gdb, queue_then_one_flush)
{
	cr_assert_eq(gdb_queue(&g, "g"), 0);
	cr_assert_eq(gdb_queue(&g, "?"), 0);
	cr_assert_str_eq(peer_got(), "");
	cr_assert_eq(gdb_flush(&g), 0);
	cr_assert_str_eq(peer_got(), "$g#67$?#3f");
	cr_assert_eq(g.out_len, 0);
	cr_assert_eq(g.sent, 2);
}

Test(gdb, interrupt_byte)
{
	cr_assert_eq(gdb_interrupt(&g), 0);
	cr_assert_str_eq(peer_got(), "\x03");
}

Test(gdb, send_to_dead_peer_is_epipe)
{
	close(peer);
	peer = -1;
	cr_assert_eq(gdb_send(&g, "g"), -EPIPE);
}

Test(gdb, command_round_trip)
{
	put("+$OK#9a");
	cr_assert_eq(gdb_command(&g, "Hg0", buf, sizeof(buf), 1000), 2);
	cr_assert_str_eq(buf, "OK");
	cr_assert_str_eq(peer_got(), "$Hg0#df+");        /* 48+67+30 */
}

#define XML1 "<?xml version=\"1.0\"?><target version=\"1.0\">"
#define XML2 "<architecture>i386:x86-64</architecture></target>"

Test(gdb, qxfer_concatenates_chunks)
{
	put("+");
	put_pkt("m" XML1);
	put("+");
	put_pkt("l" XML2);
	cr_assert_eq(gdb_qxfer(&g, "features", "target.xml", buf, sizeof(buf), 1000),
		     strlen(XML1 XML2));
	cr_assert_str_eq(buf, XML1 XML2);

	/*
	 * A read from 0, an ack, a read from 0x2b (strlen(XML1)), an ack.
	 * The first checksum is 0x0c; "2b" adds 0x32 + 0x62 - 0x30 = 0x64.
	 */
	cr_assert_eq(strlen(XML1), 0x2b);
	cr_assert_str_eq(peer_got(),
			 "$qXfer:features:read:target.xml:0,1000#0c+"
			 "$qXfer:features:read:target.xml:2b,1000#70+");
}

Test(gdb, qxfer_errors)
{
	put("+$E00#a5");                                 /* 45+30+30 */
	cr_assert_eq(gdb_qxfer(&g, "features", "target.xml", buf, sizeof(buf), 1000), -EIO);
	put("+$#00");
	cr_assert_eq(gdb_qxfer(&g, "features", "target.xml", buf, sizeof(buf), 1000),
		     -EOPNOTSUPP);
	put("+");
	put_pkt("l0123456789");
	cr_assert_eq(gdb_qxfer(&g, "features", "target.xml", buf, 10, 1000), -EMSGSIZE);
}

/* Abridged from QEMU 7.2's gdb-xml/i386-64bit.xml, oddities kept. */
static const char x86_64_xml[] =
	"<?xml version=\"1.0\"?>\n<!-- Copyright ... -->\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<feature name=\"org.gnu.gdb.i386.core\">\n"
	"  <flags id=\"x64_eflags\" size=\"4\">\n"
	"\t<field name=\"\" start=\"22\" end=\"31\"/>\n"
	"\t<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
	"  </flags>\n"
	"  <reg name=\"rax\" bitsize=\"64\" type=\"int64\" regnum=\"0\"/>\n"
	"  <reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"  <reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"  <reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n\n"
	"  <reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n"
	"  <reg name=\"eflags\" bitsize=\"32\" type=\"x64_eflags\"/>\n"
	"  <!-- Segment registers -->\n"
	"  <reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
	"  <reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
	"  <reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
	"  <reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
	"  <reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
	"  <reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
	"  <!--reg name=\"cs_base\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"es_base\" bitsize=\"64\" type=\"int64\"/-->\n"
	"  <reg name=\"fs_base\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"gs_base\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"k_gs_base\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <flags id=\"x64_cr0\" size=\"8\">\n"
	"\t<field name=\"PG\" start=\"31\" end=\"31\"/>\n"
	"  </flags>\n"
	"  <reg name=\"cr0\" bitsize=\"64\" type=\"x64_cr0\"/>\n"
	"  <reg name=\"cr2\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"cr3\" bitsize=\"64\" type=\"x64_cr3\"/>\n"
	"  <reg name=\"cr4\" bitsize=\"64\" type=\"x64_cr4\"/>\n"
	"  <reg name=\"cr8\" bitsize=\"64\" type=\"int64\"/>\n"
	"  <reg name=\"efer\" bitsize=\"64\" type=\"x64_efer\"/>\n"
	"  <reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"  <reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"  <reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"  <reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\"/>\n"
	"  <reg name=\"mxcsr\" bitsize=\"32\" type=\"x64_mxcsr\" group=\"vector\"/>\n"
	"  <xi:include href=\"i386-64bit-sse.xml\"/>\n"
	"</feature>\n";

static void expect_reg(const struct gdb_reg *r, unsigned n, const char *name,
		       unsigned bitsize, unsigned regnum, unsigned offset)
{
	int i = gdb_find_reg(r, n, name);

	cr_assert_geq(i, 0, "%s missing", name);
	cr_assert_eq(r[i].bitsize, bitsize, "%s bitsize", name);
	cr_assert_eq(r[i].regnum, regnum, "%s regnum", name);
	cr_assert_eq(r[i].offset, offset, "%s offset", name);
}

Test(gdb, parse_regs_qemu_x86_64)
{
	struct gdb_reg r[64];
	unsigned n = 0;

	cr_assert_eq(gdb_parse_regs(x86_64_xml, r, &n, 64), 0);
	cr_assert_eq(n, 16 + 2 + 6 + 3 + 6 + 2 + 1 + 1 + 1);
	cr_assert_str_eq(r[0].name, "rax");
	expect_reg(r, n, "r15", 64, 15, 120);
	expect_reg(r, n, "rip", 64, 16, 128);            /* 16 * 8 */
	expect_reg(r, n, "eflags", 32, 17, 136);
	expect_reg(r, n, "cs", 32, 18, 140);
	expect_reg(r, n, "gs", 32, 23, 160);
	expect_reg(r, n, "fs_base", 64, 24, 164);        /* the commented-out bases take no room */
	expect_reg(r, n, "k_gs_base", 64, 26, 180);
	expect_reg(r, n, "cr0", 64, 27, 188);
	expect_reg(r, n, "efer", 64, 32, 228);
	expect_reg(r, n, "st0", 80, 33, 236);
	expect_reg(r, n, "st1", 80, 34, 246);            /* 10 bytes each */
	expect_reg(r, n, "fctrl", 32, 35, 256);
	expect_reg(r, n, "xmm0", 128, 36, 260);
	expect_reg(r, n, "mxcsr", 32, 37, 276);
	cr_assert_eq(gdb_find_reg(r, n, "cs_base"), -1);
	cr_assert_eq(gdb_find_reg(r, n, "ID"), -1);
}

Test(gdb, parse_regs_regnum_resets_numbering)
{
	struct gdb_reg r[8];
	unsigned n = 0;

	cr_assert_eq(gdb_parse_regs("<reg name='a' bitsize='64'/><reg name='b' bitsize='32'/>",
				    r, &n, 8), 0);
	/* A second feature appends; offsets and numbers carry on across calls. */
	cr_assert_eq(gdb_parse_regs("<feature><reg name=\"c\" bitsize=\"16\" regnum=\"70\"/>"
				    "<reg\n name = \"d\" bitsize=\"8\"/></feature>",
				    r, &n, 8), 0);
	cr_assert_eq(n, 4);
	expect_reg(r, n, "b", 32, 1, 8);
	expect_reg(r, n, "c", 16, 70, 12);
	expect_reg(r, n, "d", 8, 71, 14);
}

Test(gdb, parse_regs_errors)
{
	struct gdb_reg r[2];
	unsigned n = 0;

	cr_assert_eq(gdb_parse_regs("<reg name='a' bitsize='8'/><reg name='b' bitsize='8'/>"
				    "<reg name='c' bitsize='8'/>", r, &n, 2), -E2BIG);
	cr_assert_eq(n, 0);
	cr_assert_eq(gdb_parse_regs("<reg bitsize='8'/>", r, &n, 2), -EINVAL);
	cr_assert_eq(gdb_parse_regs("<reg name='a' bitsize='x'/>", r, &n, 2), -EINVAL);
	cr_assert_eq(gdb_parse_regs("<reg name='sixteen_chars_xx' bitsize='8'/>", r, &n, 2),
		     -ENAMETOOLONG);
	cr_assert_eq(n, 0);
}

Test(gdb, hex_le_conversions)
{
	static const uint64_t vals[] = { 0, 1, 0xff, 0x1234, 0xdeadbeef, 0x8000000000000001ull,
					 ~0ull };
	char hex[17];
	uint64_t v;

	cr_assert_eq(gdb_hex_to_le("efbeadde", 4, &v), 0);
	cr_assert_eq(v, 0xdeadbeef);
	cr_assert_eq(gdb_hex_to_le("EFBEADDE", 4, &v), 0);
	cr_assert_eq(v, 0xdeadbeef);
	cr_assert_eq(gdb_hex_to_le("34120000ffff", 2, &v), 0);  /* trailing data ignored */
	cr_assert_eq(v, 0x1234);
	gdb_le_to_hex(0x1234, 2, hex);
	cr_assert_str_eq(hex, "3412");
	gdb_le_to_hex(0x8000000000000001ull, 8, hex);
	cr_assert_str_eq(hex, "0100000000000080");

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		for (unsigned nb = 1; nb <= 8; nb++) {
			uint64_t mask = nb == 8 ? ~0ull : (1ull << (8 * nb)) - 1;

			gdb_le_to_hex(vals[i], nb, hex);
			cr_assert_eq(strlen(hex), 2 * nb);
			cr_assert_eq(gdb_hex_to_le(hex, nb, &v), 0);
			cr_assert_eq(v, vals[i] & mask);
		}
	}
}

Test(gdb, hex_le_bad_input)
{
	uint64_t v = 42;

	cr_assert_eq(gdb_hex_to_le("xxxxxxxx", 4, &v), -EINVAL);  /* QEMU: unavailable */
	cr_assert_eq(gdb_hex_to_le("efbead", 4, &v), -EINVAL);
	cr_assert_eq(gdb_hex_to_le("efbeadd", 4, &v), -EINVAL);
	cr_assert_eq(gdb_hex_to_le("0g", 1, &v), -EINVAL);
	cr_assert_eq(gdb_hex_to_le("efbeadde", 0, &v), -EINVAL);
	cr_assert_eq(gdb_hex_to_le("efbeaddeefbeaddeef", 9, &v), -EINVAL);
	cr_assert_eq(v, 42);
}
