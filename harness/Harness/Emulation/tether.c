// The harness's tether: runs one command (an emulator, TFLM's make) so that it cannot outlive the
// harness, whatever ends the harness, SIGKILL included. It forks the command, which gets
// PR_SET_PDEATHSIG(SIGKILL) tied to the tether (single-threaded, so the signal is reliable), and
// watches its own parent: when the harness is gone (the tether is reparented), it kills the
// command's process group and exits. SIGINT/SIGTERM/SIGHUP are passed on to the command; the
// tether exits as the command did (the same code, or the same signal).
//
// Usage: tether COMMAND [ARG...]
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child = -1;

static void pass_on(int signal_number)
{
    if (child > 0) {
        kill(-child, signal_number);
        kill(child, signal_number);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tether COMMAND [ARG...]\n");
        return 2;
    }
    pid_t harness = getppid();
    child = fork();
    if (child < 0) {
        perror("tether: fork");
        return 127;
    }
    if (child == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1) { // the tether died between fork and prctl
            _exit(127);
        }
        execvp(argv[1], argv + 1);
        fprintf(stderr, "tether: cannot run %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    setpgid(child, child);
    struct sigaction forward = {.sa_handler = pass_on};
    sigemptyset(&forward.sa_mask);
    sigaction(SIGINT, &forward, NULL);
    sigaction(SIGTERM, &forward, NULL);
    sigaction(SIGHUP, &forward, NULL);
    const struct timespec poll_interval = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};
    for (;;) {
        int status;
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child) {
            if (WIFSIGNALED(status)) {
                signal(WTERMSIG(status), SIG_DFL);
                raise(WTERMSIG(status));
            }
            return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
        }
        if (done < 0 && errno != EINTR) {
            return 1;
        }
        if (getppid() != harness) {
            // The harness is gone: nothing may run on after it.
            kill(-child, SIGKILL);
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            return 137;
        }
        nanosleep(&poll_interval, NULL);
    }
}
