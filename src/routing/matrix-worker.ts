/** Worker-thread entry of manyToManyParallel: computes its share of matrix rows into the shared result. */
import { workerData } from "node:worker_threads";
import { computeMatrixRows, type MatrixWorkerInput } from "./parallel-matrix";

computeMatrixRows(workerData as MatrixWorkerInput);
