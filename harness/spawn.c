/*
 * spawn: clone/exec of a worker in its own process group; any failure of
 * the child's set-up steps comes back with its step and errno.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "spawn.h"
#include "xalloc.h"
#include "banned.h"

extern char **environ;

/* Steps of the child, reported with errno on failure. */
enum spawn_step {
	SPAWN_STEP_SETPGID = 1,
	SPAWN_STEP_PDEATHSIG,
	SPAWN_STEP_STDIN,
	SPAWN_STEP_LOG,
	SPAWN_STEP_STATUS,
	SPAWN_STEP_CHDIR,
	SPAWN_STEP_CGROUP,
	SPAWN_STEP_RLIMIT,
	SPAWN_STEP_AFFINITY,
	SPAWN_STEP_EXEC,
};

static const char *const spawn_step_names[] = {
	"", "setpgid", "set the parent-death signal", "open /dev/null", "redirect output to the log",
	"set up the status pipe", "chdir", "join the memory cgroup",
	"set the address-space limit", "bind to its CPUs", "exec",
};

/*
 * Whether path names an executable regular file. When not, errno says why
 * the way execve would: ENOENT and the like from stat, EACCES for a file
 * that is not regular or not executable.
 */
static int
spawn_is_exec(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return 0;
	if (!S_ISREG(sb.st_mode)) {
		errno = EACCES;
		return 0;
	}
	return access(path, X_OK) == 0;
}

/* Find argv0 in PATH. */
char *
spawn_which(const char *argv0, char **cause)
{
	const char *path, *p, *end;
	char *cand;
	int e = ENOENT;

	if (argv0 == NULL || *argv0 == '\0') {
		err_set(cause, "empty command");
		errno = ENOENT;
		return NULL;
	}
	if (strchr(argv0, '/') != NULL) {
		if (!spawn_is_exec(argv0)) {
			err_errno(cause, "cannot execute '%s'", argv0);
			return NULL;
		}
		return xstrdup(argv0);
	}
	path = getenv("PATH");
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = end + 1) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		cand = xasprintf("%.*s%s%s", (int)(end - p), p,
		    end == p ? "" : "/", argv0);
		if (spawn_is_exec(cand))
			return cand;
		if (errno == EACCES)
			e = EACCES;	/* execvp's rule: EACCES wins */
		free(cand);
		if (*end == '\0')
			break;
	}
	err_set(cause, "command '%s' not found in PATH", argv0);
	errno = e;
	return NULL;
}

/*
 * spawn_which with a one-entry cache: a job starts the same command for
 * thousands of units, and each lookup is a stat and an access per PATH
 * entry. The entry is used while argv0 and PATH are the same, without a
 * look at the file: when exec then fails for want of it, spawn_start
 * forgets the entry and looks again (*cached says the path came from
 * here). Single-threaded, like the controller.
 */
static char *c_argv0, *c_pathenv, *c_path;

static void
spawn_which_forget(void)
{
	free(c_argv0);
	free(c_pathenv);
	free(c_path);
	c_argv0 = c_pathenv = c_path = NULL;
}

static char *
spawn_which_cached(const char *argv0, int *cached, char **cause)
{
	const char *pathenv = getenv("PATH");
	char *p;

	if (pathenv == NULL)
		pathenv = "";
	*cached = c_argv0 != NULL && strcmp(c_argv0, argv0) == 0 &&
	    strcmp(c_pathenv, pathenv) == 0;
	if (*cached)
		return xstrdup(c_path);
	p = spawn_which(argv0, cause);
	if (p == NULL)
		return NULL;
	spawn_which_forget();
	c_argv0 = xstrdup(argv0);
	c_pathenv = xstrdup(pathenv);
	c_path = xstrdup(p);
	return p;
}

/*
 * Where the child reports a failed step: a pipe (after fork), or, when
 * the child shares bench's memory (clone with CLONE_VM | CLONE_VFORK),
 * the fields themselves, read by bench once the child exec'd or died:
 * no pipe to make, read and close per unit.
 */
struct spawn_err {
	int	fd;		/* write end; -1: the fields */
	int	step;		/* enum spawn_step; 0 none */
	int	no;		/* its errno */
};

/* In the child: report a failed step and leave. Async-signal-safe. */
static void __attribute__((noreturn))
spawn_child_die(struct spawn_err *er, enum spawn_step step)
{
	int rec[2];
	ssize_t w;

	rec[0] = (int)step;
	rec[1] = errno;
	if (er->fd < 0) {
		er->no = rec[1];
		er->step = rec[0];
		_exit(127);
	}
	do {
		w = write(er->fd, rec, sizeof rec);
	} while (w < 0 && errno == EINTR);
	_exit(127);
}

/*
 * In the child: write adj to /proc/self/oom_score_adj, best effort (no
 * /proc, or a value below what the kernel lets us set, leaves it as it
 * was). Async-signal-safe: the digits are made by hand.
 */
static void
spawn_child_oom(int adj)
{
	char buf[8], *p = buf + sizeof buf;
	unsigned v = adj < 0 ? (unsigned)-adj : (unsigned)adj;
	ssize_t w;
	int fd;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	if (adj < 0)
		*--p = '-';
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	do {
		w = write(fd, p, (size_t)(buf + sizeof buf - p));
	} while (w < 0 && errno == EINTR);
	close(fd);
}

/* In the child, after fork: set up and exec. */
static void __attribute__((noreturn))
spawn_child(const struct spawn_opts *o, const char *path,
    pid_t parent, struct spawn_err *er)
{
	struct sigaction sa;
	sigset_t none;
	int sig, fd, hi, logfd, statfd, cgfd, outfd;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);	/* fails for KILL/STOP: fine */
	if (setpgid(0, 0) != 0)
		spawn_child_die(er, SPAWN_STEP_SETPGID);
	if (o->die_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
			spawn_child_die(er, SPAWN_STEP_PDEATHSIG);
		/* bench died before prctl: nobody would kill us */
		if (getppid() != parent)
			_exit(127);
	}

	/*
	 * Move every source descriptor above the targets 0..child_status_fd
	 * first, so placing one cannot clobber another (the log may be fd 3).
	 */
	hi = o->child_status_fd + 1;
	if (er->fd >= 0 && er->fd < hi &&
	    (er->fd = fcntl(er->fd, F_DUPFD_CLOEXEC, hi)) < 0)
		_exit(127);
	logfd = o->log_fd;
	if (logfd >= 0 && logfd < hi &&
	    (logfd = fcntl(logfd, F_DUPFD_CLOEXEC, hi)) < 0)
		spawn_child_die(er, SPAWN_STEP_LOG);
	statfd = o->status_fd;
	if (statfd >= 0 && statfd < hi &&
	    (statfd = fcntl(statfd, F_DUPFD_CLOEXEC, hi)) < 0)
		spawn_child_die(er, SPAWN_STEP_STATUS);
	outfd = o->stdout_fd;
	if (outfd >= 0 && outfd < hi &&
	    (outfd = fcntl(outfd, F_DUPFD_CLOEXEC, hi)) < 0)
		spawn_child_die(er, SPAWN_STEP_LOG);
	cgfd = o->cgroup_fd;
	if (cgfd >= 0 && cgfd < hi &&
	    (cgfd = fcntl(cgfd, F_DUPFD_CLOEXEC, hi)) < 0)
		spawn_child_die(er, SPAWN_STEP_CGROUP);

	if (statfd >= 0 && dup2(statfd, o->child_status_fd) < 0)
		spawn_child_die(er, SPAWN_STEP_STATUS);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0)
		spawn_child_die(er, SPAWN_STEP_STDIN);
	if (logfd < 0)
		logfd = fd;
	if (dup2(outfd >= 0 ? outfd : logfd, 1) < 0 || dup2(logfd, 2) < 0)
		spawn_child_die(er, SPAWN_STEP_LOG);
	if (o->cwd != NULL && chdir(o->cwd) != 0)
		spawn_child_die(er, SPAWN_STEP_CHDIR);
	if (cgfd >= 0 && write(cgfd, "0", 1) != 1)
		spawn_child_die(er, SPAWN_STEP_CGROUP);
	if (o->rlimit_as > 0) {
		struct rlimit rl;

		rl.rlim_cur = rl.rlim_max = (rlim_t)o->rlimit_as;
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			spawn_child_die(er, SPAWN_STEP_RLIMIT);
	}
	if (o->affinity != NULL &&
	    sched_setaffinity(0, sizeof *o->affinity, o->affinity) != 0)
		spawn_child_die(er, SPAWN_STEP_AFFINITY);
	if (o->oom_score_adj != SPAWN_OOM_KEEP)
		spawn_child_oom(o->oom_score_adj);
#if defined(SYS_close_range)
	/* Anything inherited above the status fd closes on exec. */
	syscall(SYS_close_range, (unsigned)o->child_status_fd + 1, ~0U,
	    4U /* CLOSE_RANGE_CLOEXEC */);
#endif
	/* bench's mask is not the worker's: start with nothing blocked */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, o->argv, o->envp != NULL ? o->envp : environ);
	spawn_child_die(er, SPAWN_STEP_EXEC);
}

/*
 * The fast path: posix_spawn, which glibc runs with CLONE_VM|CLONE_VFORK, so
 * no page tables are copied and exec errors come back as its return value.
 * Usable when the descriptors can be placed by dup2 in order without one
 * clobbering another; anything else goes through fork.
 */
static int
spawn_posix(const struct spawn_opts *o, const char *path, pid_t *pidp,
    char **cause)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t all, none;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (o->log_fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, o->log_fd, 1);
		posix_spawn_file_actions_adddup2(&fa, o->log_fd, 2);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
		    O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	if (o->status_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, o->status_fd,
		    o->child_status_fd);
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	posix_spawn_file_actions_addclosefrom_np(&fa, o->child_status_fd + 1);
#endif
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCHDIR_NP
	if (o->cwd != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, o->cwd);
#endif
	rc = posix_spawn(pidp, path, &fa, &attr, o->argv,
	    o->envp != NULL ? o->envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		err_set(cause, "cannot start '%s': exec: %s", o->argv[0],
		    strerror(rc));
		errno = rc;
		return -1;
	}
	return 0;
}

/* Whether the posix_spawn path can do what o asks. */
static int
spawn_posix_ok(const struct spawn_opts *o)
{
#ifndef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCHDIR_NP
	if (o->cwd != NULL)
		return 0;
#endif
	/* dup2 in order: log to 1 and 2, then status to child_status_fd */
	if (o->status_fd >= 0 && (o->status_fd <= 2 ||
	    o->status_fd == o->child_status_fd))
		return 0;
	if (o->log_fd >= 0 && o->log_fd <= 2)
		return 0;
	if (o->stdout_fd >= 0)
		return 0;	/* rare (srun): the fork path places it */
	if (o->oom_score_adj != SPAWN_OOM_KEEP)
		return 0;	/* written in the child */
	if (o->die_with_parent)
		return 0;	/* prctl in the child */
	return o->cgroup_fd < 0 && o->rlimit_as == 0 && o->affinity == NULL;
}

/*
 * Whether the child shares bench's memory until it execs (clone with
 * CLONE_VM | CLONE_VFORK). AddressSanitizer cannot follow a child onto a
 * stack of its own: the sanitizer build forks (slower, same behaviour).
 */
#if defined(__SANITIZE_ADDRESS__)
#define SPAWN_SHARES_MEMORY	0
#else
#define SPAWN_SHARES_MEMORY	1
#endif

/* What the child of clone() needs: it runs on spawn_stack in bench's
   memory until it execs, so everything was prepared before. */
struct spawn_child_args {
	const struct spawn_opts *o;
	const char	*path;
	pid_t		 parent;
	struct spawn_err *er;
	int		 errfd_read;	/* after fork: bench's end, closed */
};

/*
 * The child's stack. CLONE_VFORK suspends bench until the child execs or
 * exits, and bench starts one child at a time, so one stack serves all.
 */
#define SPAWN_STACK_SIZE	(64 * 1024)
static long spawn_stack[SPAWN_STACK_SIZE / sizeof(long)];

/* The child of clone(): set up and exec (spawn_child never returns). */
static int
spawn_child_main(void *arg)
{
	struct spawn_child_args *a = arg;

	if (a->errfd_read >= 0)
		close(a->errfd_read);
	spawn_child(a->o, a->path, a->parent, a->er);
	return 127;
}

/*
 * Start the child the way posix_spawn does (CLONE_VM | CLONE_VFORK, on its
 * own stack): no copy of bench's page tables, which is what made fork()
 * per unit dear, and the child's setup (prctl, cgroup, rlimit, affinity)
 * is only system calls on prepared data. When clone returns, the child
 * has exec'd or died, and er says which.
 */
static pid_t
spawn_clone(const struct spawn_opts *o, const char *path, pid_t parent,
    struct spawn_err *er, int errfd_read)
{
	struct spawn_child_args a = {
		.o = o, .path = path, .parent = parent, .er = er,
		.errfd_read = errfd_read,
	};
	char *top = (char *)spawn_stack + sizeof spawn_stack;
#if !SPAWN_SHARES_MEMORY
	pid_t pid = fork();

	(void)top;
	if (pid == 0)
		_exit(spawn_child_main(&a));
	return pid;
#else
	return clone(spawn_child_main, top, CLONE_VM | CLONE_VFORK | SIGCHLD,
	    &a);
#endif
}

/* After fork: the child's report from the error pipe into er (EOF: it
   exec'd). Closes fd. */
static void
spawn_read_err(int fd, struct spawn_err *er)
{
	int rec[2];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof rec) {
		n = read(fd, (char *)rec + got, sizeof rec - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got == sizeof rec) {
		er->step = rec[0] < 1 || rec[0] > SPAWN_STEP_EXEC ?
		    SPAWN_STEP_EXEC : rec[0];
		er->no = rec[1];
	}
}

/*
 * Clone (or fork) and exec path; 0 and *pidp, or -1 with *cause, the
 * child reaped. *er gets the failed step, if any.
 */
static int
spawn_exec(const struct spawn_opts *o, const char *path, pid_t *pidp,
    struct spawn_err *er, char **cause)
{
	sigset_t all, old;
	int errpipe[2] = { -1, -1 }, status;
	pid_t pid;

	*er = (struct spawn_err){ .fd = -1 };
	if (!SPAWN_SHARES_MEMORY && pipe2(errpipe, O_CLOEXEC) != 0)
		return err_errno(cause, "pipe");
	er->fd = errpipe[1];
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = spawn_clone(o, path, o->die_with_parent ? getpid() : 0, er,
	    errpipe[0]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (errpipe[1] >= 0)
		close(errpipe[1]);
	if (pid < 0) {
		if (errpipe[0] >= 0)
			close(errpipe[0]);
		return err_errno(cause, "clone");
	}
	if (!SPAWN_SHARES_MEMORY) {
		/* also from the parent, so killpg works before the child
		   ran (after clone it has: CLONE_VFORK) */
		setpgid(pid, pid);
		spawn_read_err(errpipe[0], er);
	}
	if (er->step != 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		err_set(cause, "cannot start '%s': %s: %s", o->argv[0],
		    spawn_step_names[er->step], strerror(er->no));
		errno = er->no;
		return -1;
	}
	*pidp = pid;
	return 0;
}

/* One try at path, by posix_spawn when it can do what o asks. */
static int
spawn_try(const struct spawn_opts *o, const char *path, pid_t *pidp,
    struct spawn_err *er, char **cause)
{
	if (!spawn_posix_ok(o))
		return spawn_exec(o, path, pidp, er, cause);
	*er = (struct spawn_err){ .fd = -1 };
	if (spawn_posix(o, path, pidp, cause) == 0)
		return 0;
	er->step = SPAWN_STEP_EXEC;
	er->no = errno;
	return -1;
}

/* Fork and exec a worker. */
int
spawn_start(const struct spawn_opts *o, pid_t *pidp, char **cause)
{
	struct spawn_err er;
	char *path, *why = NULL;
	int rc, cached, e;

	if (o->child_status_fd < 3)
		BUG("child_status_fd %d < 3", o->child_status_fd);
	path = spawn_which_cached(o->argv[0], &cached, cause);
	if (path == NULL)
		return -1;
	rc = spawn_try(o, path, pidp, &er, &why);
	e = errno;
	free(path);
	if (rc != 0 && cached && er.step == SPAWN_STEP_EXEC &&
	    (er.no == ENOENT || er.no == EACCES || er.no == ENOTDIR)) {
		/* the command the cache named moved: look it up again */
		spawn_which_forget();
		free(why);
		why = NULL;
		if ((path = spawn_which_cached(o->argv[0], &cached,
		    cause)) == NULL)
			return -1;
		rc = spawn_try(o, path, pidp, &er, &why);
		e = errno;
		free(path);
	}
	if (rc != 0 && cause != NULL)
		*cause = why;
	else
		free(why);
	errno = e;
	return rc;
}

/* Reap a child of spawn_start. */
int
spawn_finish(pid_t pid, int flags, int *wstatus, char **cause)
{
	int status;
	pid_t w;

	do
		w = waitpid(pid, &status, (flags & SPAWN_NOHANG) ? WNOHANG : 0);
	while (w == -1 && errno == EINTR);
	if (w == -1)
		return err_errno(cause, "waitpid %ld", (long)pid);
	if (w == 0)
		return SPAWN_RUNNING;
	if (wstatus != NULL)
		*wstatus = status;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Set bench's own oom_score_adj (see spawn.h). */
int
spawn_oom_protect(int adj, char **cause)
{
	char buf[16];
	ssize_t w;
	int fd, n, e;

	if (adj < -1000 || adj > 1000)
		BUG("oom_score_adj %d out of range", adj);
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			return -1;
		return err_errno(cause, "open '/proc/self/oom_score_adj'");
	}
	n = snprintf(buf, sizeof buf, "%d", adj);
	do {
		w = write(fd, buf, (size_t)n);
	} while (w < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (w == n)
		return 0;
	errno = w < 0 ? e : EIO;
	if (errno == EACCES || errno == EPERM)
		return -1;
	return err_errno(cause, "write '/proc/self/oom_score_adj'");
}
