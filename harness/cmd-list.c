#include "config.h"
#include <stddef.h>
#include "cmd.h"
static int cmd_list_exec(int argc, char **argv) { (void)argc; (void)argv; return CMD_EXIT_USAGE; }
const struct cmd_entry cmd_list_entry = { "list", "", NULL, cmd_list_exec };
