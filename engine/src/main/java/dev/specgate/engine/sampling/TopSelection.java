package dev.specgate.engine.sampling;

/**
 * Selects the {@code count} best-scored token ids (ties: lowest id first) in one pass over the vocabulary, keeping a
 * bounded min-heap of the best seen so far. Most ids lose a single comparison against the heap's weakest member, so
 * this costs about n + count log count, far less than sorting a 150k vocabulary when count is small.
 */
final class TopSelection {

    private TopSelection() {
    }

    /** The best {@code count} unmasked ids in descending rank order (fewer if fewer ids are unmasked). */
    static int[] best(double[] scores, int vocabSize, int count) {
        int[] heap = new int[count]; // heap[0] is the weakest kept id
        int size = 0;
        for (int id = 0; id < vocabSize; id++) {
            if (scores[id] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            if (size < count) {
                heap[size] = id;
                siftUp(heap, size++, scores);
            } else if (ranksBefore(id, heap[0], scores)) {
                heap[0] = id;
                siftDown(heap, size, scores);
            }
        }
        // Pop weakest-first into the back of the result so it ends up best-first.
        int[] ranked = new int[size];
        for (int last = size - 1; last >= 0; last--) {
            ranked[last] = heap[0];
            heap[0] = heap[last];
            siftDown(heap, last, scores);
        }
        return ranked;
    }

    private static void siftUp(int[] heap, int position, double[] scores) {
        int moving = heap[position];
        while (position > 0) {
            int parent = (position - 1) / 2;
            if (!ranksBefore(heap[parent], moving, scores)) {
                break;
            }
            heap[position] = heap[parent];
            position = parent;
        }
        heap[position] = moving;
    }

    private static void siftDown(int[] heap, int size, double[] scores) {
        int position = 0;
        int moving = heap[0];
        while (true) {
            int child = 2 * position + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && ranksBefore(heap[child], heap[child + 1], scores)) {
                child++;
            }
            if (!ranksBefore(moving, heap[child], scores)) {
                break;
            }
            heap[position] = heap[child];
            position = child;
        }
        heap[position] = moving;
    }

    /** True if {@code a} ranks strictly before {@code b}: higher score, or equal score and lower id. */
    private static boolean ranksBefore(int a, int b, double[] scores) {
        return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
    }
}
