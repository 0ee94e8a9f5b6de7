/*
 * shim.c - an LD_PRELOAD fault injector for the tests: writes to files
 * whose path contains $FAULT_PATH fail with ENOSPC ("disk full") once
 * $FAULT_AFTER writes to such files have succeeded (default 0), and
 * fsync or fdatasync on them fails with EIO when $FAULT_FSYNC is set (on a
 * matching folder only, when $FAULT_DIRSYNC is set); opening a file
 * whose path contains $FAULT_RO for writing fails with EROFS, as on a
 * read-only mount (which root cannot otherwise get from file modes).
 * With $FAULT_SWAP set, a file whose path contains it is replaced, right
 * after its first open (its $FAULT_SWAP_AT-th, when set), by a symbolic link
 * to $FAULT_SWAP_TO: a hostile sender swapping an inbox file between its
 * check and its read.  With $FAULT_STALL set, a write to a file whose path
 * contains $FAULT_PATH, once $FAULT_AFTER of them have succeeded, says
 * "fault: stalled" on stderr and waits for ever: the process is caught in the
 * middle of writing that file, for a test to kill it there.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/syscall.h>
#include <unistd.h>

static int matches(int fd)
{
	const char *want = getenv("FAULT_PATH");
	char link[64], path[4096];
	ssize_t n;
	if (!want || !*want)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	return strstr(path, want) != NULL;
}

static int should_fail(int fd)
{
	static long seen; /* per process: the count of matching writes */
	const char *after = getenv("FAULT_AFTER");
	if (!matches(fd))
		return 0;
	return seen++ >= (after ? atol(after) : 0);
}

static void stall(void)
{
	static const char msg[] = "fault: stalled\n";
	if (!getenv("FAULT_STALL"))
		return;
	if (syscall(SYS_write, 2, msg, sizeof(msg) - 1) < 0)
		_exit(99);
	for (;;)
		pause();
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (should_fail(fd)) {
		stall();
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, n);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
	if (should_fail(fd)) {
		stall();
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite64(fd, buf, n, off);
}

static int is_dir(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

/* With $FAULT_SYNCLOG set, each sync of a matching file is said on
 * stderr, in order with the program's own messages. */
static void log_sync(int fd, const char *how)
{
	char line[64];
	int n;
	if (!getenv("FAULT_SYNCLOG") || !matches(fd))
		return;
	n = snprintf(line, sizeof(line), "fault: %s of a %s %s\n", how, getenv("FAULT_PATH"),
		     is_dir(fd) ? "folder" : "file");
	if (n > 0 && (size_t)n < sizeof(line) && write(2, line, (size_t)n) < 0)
		return;
}

int fsync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	log_sync(fd, "fsync");
	if ((getenv("FAULT_FSYNC") || (getenv("FAULT_DIRSYNC") && is_dir(fd))) && matches(fd)) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

/* SQLite syncs its files with fdatasync where the system has it. */
int fdatasync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	log_sync(fd, "fdatasync");
	if (getenv("FAULT_FSYNC") && matches(fd)) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

static int read_only(const char *path, int flags)
{
	const char *ro = getenv("FAULT_RO");
	return ro && *ro && path && strstr(path, ro) && (flags & (O_WRONLY | O_RDWR));
}

static void swap_after_open(const char *path)
{
	static long opens;
	const char *want = getenv("FAULT_SWAP"), *to = getenv("FAULT_SWAP_TO");
	const char *at = getenv("FAULT_SWAP_AT");
	if (!want || !*want || !to || !path || !strstr(path, want))
		return;
	if (++opens != (at ? atol(at) : 1))
		return;
	if (unlink(path) != 0 || symlink(to, path) != 0)
		return;
}

int open64(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;
	int fd;
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open64");
	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (read_only(path, flags)) {
		errno = EROFS;
		return -1;
	}
	fd = real(path, flags, mode);
	if (fd >= 0)
		swap_after_open(path);
	return fd;
}

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;
	int fd;
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (read_only(path, flags)) {
		errno = EROFS;
		return -1;
	}
	fd = real(path, flags, mode);
	if (fd >= 0)
		swap_after_open(path);
	return fd;
}
