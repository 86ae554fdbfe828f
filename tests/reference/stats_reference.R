# stats_reference.R -- independent reference numbers for calibrate's statistics tests.
#
# Generated with: R version 4.2.2 Patched (2022-11-10 r83330) (Debian 12 package r-base-core)
# Uses base R only (packages: base, stats). No CRAN packages; JSON is written by hand.
#
# Re-run from the repository root:
#     Rscript tests/reference/stats_reference.R
# It writes tests/reference/r_stats_reference.json (next to this script).
# All doubles are written with sprintf("%.17g", x), i.e. full double precision.
# Non-finite values (e.g. an infinite odds ratio) are written as the JSON strings
# "Inf", "-Inf", "NaN" (plain JSON has no literal for them); NA is written as null.

## ---------------------------------------------------------------- JSON writer
json_str <- function(s) {
  s <- gsub("\\\\", "\\\\\\\\", s)
  s <- gsub("\"", "\\\\\"", s)
  s <- gsub("\n", "\\\\n", s)
  s <- gsub("\t", "\\\\t", s)
  paste0("\"", s, "\"")
}
json_num <- function(x) {
  vapply(x, function(v) {
    if (is.na(v) && !is.nan(v)) "null"
    else if (is.nan(v)) "\"NaN\""
    else if (is.infinite(v)) if (v > 0) "\"Inf\"" else "\"-Inf\""
    else if (is.integer(v)) sprintf("%d", v)
    else sprintf("%.17g", v)
  }, character(1))
}
json_scalar_vec <- function(x) {
  if (is.logical(x)) ifelse(is.na(x), "null", ifelse(x, "true", "false"))
  else if (is.character(x)) ifelse(is.na(x), "null", json_str(x))
  else json_num(x)
}
# Rules: named list -> object; unnamed list -> array; atomic of length 1 -> scalar;
# atomic of other length, or wrapped in I() -> array. NULL -> null.
to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent + 1); pad0 <- strrep("  ", indent)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, to_json, character(1), indent = indent + 1)
    if (!is.null(names(x))) {
      items <- paste0(json_str(names(x)), ": ", items)
      return(paste0("{\n", paste0(pad, items, collapse = ",\n"), "\n", pad0, "}"))
    }
    return(paste0("[\n", paste0(pad, items, collapse = ",\n"), "\n", pad0, "]"))
  }
  as_array <- inherits(x, "AsIs") || length(x) != 1
  x <- unclass(x); attributes(x) <- NULL
  vals <- json_scalar_vec(x)
  if (as_array) paste0("[", paste(vals, collapse = ", "), "]") else vals
}

# Run an expression, collecting (not printing) warnings so they can be recorded.
with_warnings <- function(expr) {
  w <- character(0)
  val <- withCallingHandlers(expr, warning = function(cond) {
    w <<- c(w, conditionMessage(cond)); invokeRestart("muffleWarning")
  })
  list(value = val, warnings = unique(w))
}

## ---------------------------------------------------------------- A. level vs rest
level_inputs <- list(
  c(900, 210, 20000, 1213), c(19100, 1003, 20000, 1213), c(3100, 301, 20000, 1213),
  c(25, 6, 20000, 1213), c(12, 0, 20000, 1213), c(40, 1, 9240, 3561), c(5, 5, 1000, 60),
  c(1500, 91, 20000, 1213), c(200, 13, 2000, 120), c(8, 3, 300, 20))

level_vs_rest <- lapply(level_inputs, function(v) {
  n1 <- v[1]; x1 <- v[2]; N <- v[3]; X <- v[4]
  n2 <- N - n1; x2 <- X - x1
  pt  <- with_warnings(prop.test(c(x1, x2), c(n1, n2), correct = FALSE))
  ptc <- with_warnings(prop.test(c(x1, x2), c(n1, n2), correct = TRUE))
  m <- matrix(c(x1, n1 - x1, x2, n2 - x2), nrow = 2)
  ft <- fisher.test(m)
  list(
    id = sprintf("n1_%d_x1_%d_N_%d_X_%d", n1, x1, N, X),
    n1 = as.integer(n1), x1 = as.integer(x1), N = as.integer(N), X = as.integer(X),
    n2 = as.integer(n2), x2 = as.integer(x2),
    fisher_matrix = list(I(as.integer(m[1, ])), I(as.integer(m[2, ]))),
    prop_test_p = unname(pt$value$p.value),
    prop_test_stat = unname(pt$value$statistic),
    prop_test_p_corrected = unname(ptc$value$p.value),
    prop_test_stat_corrected = unname(ptc$value$statistic),
    prop_test_warnings = I(pt$warnings),
    fisher_p = ft$p.value,
    fisher_or = unname(ft$estimate),
    fisher_ci_low = ft$conf.int[1],
    fisher_ci_high = ft$conf.int[2],
    fisher_conf_level = attr(ft$conf.int, "conf.level")
  )
})

## ---------------------------------------------------------------- B. single-proportion CIs
wilson_inputs <- list(
  c(1213, 20000, 0.95), c(210, 900, 0.95), c(0, 25, 0.95), c(25, 25, 0.95),
  c(3, 40, 0.95), c(3561, 9240, 0.95), c(1, 7, 0.90), c(50, 100, 0.99))

wilson <- lapply(wilson_inputs, function(v) {
  x <- v[1]; n <- v[2]; L <- v[3]
  pt <- with_warnings(prop.test(x, n, correct = FALSE, conf.level = L))
  bt <- binom.test(x, n, conf.level = L)
  list(
    id = sprintf("x_%d_n_%d_L_%s", x, n, format(L)),
    x = as.integer(x), n = as.integer(n), conf_level = L,
    ci_low = pt$value$conf.int[1], ci_high = pt$value$conf.int[2],
    exact_ci_low = bt$conf.int[1], exact_ci_high = bt$conf.int[2],
    prop_test_warnings = I(pt$warnings)
  )
})

## ---------------------------------------------------------------- C. multiple-testing adjustment
p12 <- c(0.01, 0.04, 0.03, 0.005, 0.5, 0.2, 0.0001, 0.049, 0.8, 0.011, 1e-10, 0.06)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")  # R >= 3.6 defaults, made explicit
set.seed(1)
p50 <- c(runif(40), rbeta(10, 0.2, 5))
adj <- function(id, p, how) list(
  id = id, generated_by = how, p = I(p),
  BH = I(p.adjust(p, method = "BH")),
  bonferroni = I(p.adjust(p, method = "bonferroni")),
  holm = I(p.adjust(p, method = "holm")))
p_adjust <- list(
  adj("twelve", p12, "literal vector"),
  adj("fifty_seed1", p50,
      "RNGkind('Mersenne-Twister','Inversion','Rejection'); set.seed(1); p <- c(runif(40), rbeta(10, 0.2, 5))"))

## ---------------------------------------------------------------- D. k x 2 association
tables <- list(
  T1 = rbind(c(210, 690), c(1003, 18097)),
  T2 = rbind(c(301, 2799), c(500, 7500), c(300, 5200), c(112, 3288)),
  T3 = rbind(c(3, 5), c(1, 9), c(0, 6), c(2, 4)),
  T4 = rbind(c(40, 960), c(45, 955), c(38, 962), c(52, 948), c(41, 959)))

association <- lapply(names(tables), function(id) {
  m <- tables[[id]]
  storage.mode(m) <- "integer"
  ct <- with_warnings(chisq.test(m, correct = FALSE))
  simulated <- FALSE; fisher_call <- "fisher.test(m, workspace = 2e8)"; ferr <- NULL
  fp <- tryCatch(fisher.test(m, workspace = 2e8)$p.value, error = function(e) {
    ferr <<- conditionMessage(e); NULL })
  if (is.null(fp)) {
    set.seed(42)
    fp <- fisher.test(m, simulate.p.value = TRUE, B = 1e6)$p.value
    simulated <- TRUE
    fisher_call <- "set.seed(42); fisher.test(m, simulate.p.value = TRUE, B = 1e6)"
  }
  list(
    id = id,
    table = lapply(seq_len(nrow(m)), function(i) I(m[i, ])),
    columns = I(c("customers", "non_customers")),
    chisq_stat = unname(ct$value$statistic),
    chisq_df = unname(ct$value$parameter),
    chisq_p = ct$value$p.value,
    chisq_warnings = I(ct$warnings),
    fisher_p = fp,
    fisher_simulated = simulated,
    fisher_call = fisher_call,
    fisher_exact_error = ferr
  )
})

## ---------------------------------------------------------------- E. binomial vs baseline
binom_inputs <- list(c(6, 25, 0.06065), c(0, 12, 0.06065), c(210, 900, 0.06065))
binom_vs_baseline <- lapply(binom_inputs, function(v) {
  x <- v[1]; n <- v[2]; p0 <- v[3]
  list(id = sprintf("x_%d_n_%d_p0_%s", x, n, format(p0)),
       x = as.integer(x), n = as.integer(n), p0 = p0,
       p_value = binom.test(x, n, p = p0)$p.value)
})

## ---------------------------------------------------------------- write
out <- list(
  r_version = R.version.string,
  generated_by = "Rscript tests/reference/stats_reference.R",
  rng_kind = I(RNGkind()),
  non_finite_encoding = "non-finite doubles are JSON strings \"Inf\", \"-Inf\", \"NaN\"; NA is null",
  level_vs_rest = level_vs_rest,
  wilson = wilson,
  p_adjust = p_adjust,
  association = association,
  binom_vs_baseline = binom_vs_baseline)

script_dir <- local({
  f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(f) == 1) dirname(normalizePath(f)) else file.path("tests", "reference")
})
out_path <- file.path(script_dir, "r_stats_reference.json")
writeLines(to_json(out), out_path)
cat("wrote", out_path, "\n")
