reset
set terminal svg size 900,680 dynamic font 'Sans,11' background '#ffffff'
set termoption noenhanced
set encoding utf8
set output 'gp/P001/course.svg.tmp'
set grid lc rgb '#cccccc'
set key top right box opaque
set multiplot layout 2,2 title 'Course P001-C1: scores by session (0-10, lower is better)' font 'Sans,13'
$M0 << EOD
0 1 8
1 2 7.5
2 3 7
3 4 6.5
4 5 6
5 6 5.5
6 7 5
7 8 5
8 9 4.5
9 10 4.5
10 11 4
11 12 4
12 13 3.5
13 14 3.5
EOD
$E0 << EOD
0 1 6.086958858 8.536474747
1 2 5.60572359 7.293787187
2 3 5.324219005 6.566861564
3 4 5.124488323 6.051099627
4 5 4.96956517 5.651043588
5 6 4.842983737 5.324174004
6 7 4.735960661 5.047809708
7 8 4.643253055 4.808412067
8 9 4.561479152 4.597248381
9 10 4.488329902 4.408356028
10 11 4.422158357 4.237482109
11 12 4.36174847 4.081486444
12 13 4.30617676 3.937984342
13 14 4.254725393 3.805122148
EOD
set title 'fatigue'
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 6 to graph 1, first 8 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M0 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 1.756813371 + (8.068933532 - 1.756813371) * exp(-(x - 1) / 9.972219774) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E0 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E0 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M1 << EOD
0 1 7.5
1 2 7
2 3 7
3 4 6
4 5 6
5 6 5.5
6 7 5
7 8 4.5
8 9 4.5
9 10 4
10 11 4
11 12 3.5
12 13 3.5
13 14 3.5
EOD
$E1 << EOD
0 1 5.893746144 8.111327601
1 2 5.404822567 6.95006919
2 3 5.118820609 6.270776566
3 4 4.915898991 5.788810779
4 5 4.758500755 5.41496907
5 6 4.629897033 5.109518154
6 7 4.521164134 4.851263084
7 8 4.426975414 4.627552367
8 9 4.343895074 4.43022553
9 10 4.269577178 4.253710659
10 11 4.202348464 4.094033536
11 12 4.140973456 3.948259743
12 13 4.084513922 3.814160853
13 14 4.032240558 3.690004673
EOD
set title 'sleep'
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 5.5 to graph 1, first 7.5 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M1 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 1.057887745 + (7.630581563 - 1.057887745) * exp(-(x - 1) / 12.0413552) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E1 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E1 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M2 << EOD
0 1 8
1 2 7.5
2 3 7
3 4 6.5
4 5 6
5 6 5
6 7 5
7 8 4.5
8 9 4
9 10 4
10 11 3.5
11 12 3.5
12 13 3
13 14 3
EOD
$E2 << EOD
0 1 5.570605436 8.673431872
1 2 5.102067604 7.266715286
2 3 4.827990542 6.443838835
3 4 4.633529772 5.859998701
4 5 4.48269428 5.407137111
5 6 4.35945271 5.03712225
6 7 4.255253447 4.724279142
7 8 4.16499194 4.453282116
8 9 4.085375648 4.214245798
9 10 4.014156448 4.000420526
10 11 3.949730845 3.806992038
11 12 3.890914878 3.630405664
12 13 3.836809433 3.467961947
13 14 3.786715615 3.317562557
EOD
set title 'focus'
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 6 to graph 1, first 8 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M2 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 0.7368818154 + (8.154484933 - 0.7368818154) * exp(-(x - 1) / 10.52003158) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E2 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E2 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M3 << EOD
0 1 3
1 2 3
2 3 3
3 4 2.5
4 5 2.5
5 6 2
6 7 2
7 8 2
8 9 2
9 10 2
10 11 1.5
11 12 1.5
12 13 1.5
13 14 1.5
EOD
$E3 << EOD
0 1 5.314791092 3.394639237
1 2 4.879436696 2.914850652
2 3 4.624770699 2.634192321
3 4 4.444082299 2.435062066
4 5 4.303929488 2.28060464
5 6 4.189416302 2.154403735
6 7 4.092596784 2.047702389
7 8 4.008727902 1.95527348
8 9 3.934750306 1.873745404
9 10 3.868575091 1.800816054
10 11 3.808712327 1.734843433
11 12 3.754061906 1.674615149
12 13 3.703788391 1.619210498
13 14 3.657242387 1.567913804
EOD
set title 'pain'
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 1 to graph 1, first 3 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M3 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 0.5962417388 + (3.14409373 - 0.5962417388) * exp(-(x - 1) / 11.63947732) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E3 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E3 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
unset multiplot
set output
reset
set terminal pngcairo size 1000,750 font 'Sans,10' background '#ffffff'
set termoption noenhanced
set encoding utf8
set output 'gp/P001/course.png.tmp'
set grid lc rgb '#cccccc'
set key top right box opaque
set multiplot layout 2,2 title 'Course P001-C1: scores by session (0-10, lower is better)' font 'Sans,13'
$M0 << EOD
0 1 8
1 2 7.5
2 3 7
3 4 6.5
4 5 6
5 6 5.5
6 7 5
7 8 5
8 9 4.5
9 10 4.5
10 11 4
11 12 4
12 13 3.5
13 14 3.5
EOD
$E0 << EOD
0 1 6.086958858 8.536474747
1 2 5.60572359 7.293787187
2 3 5.324219005 6.566861564
3 4 5.124488323 6.051099627
4 5 4.96956517 5.651043588
5 6 4.842983737 5.324174004
6 7 4.735960661 5.047809708
7 8 4.643253055 4.808412067
8 9 4.561479152 4.597248381
9 10 4.488329902 4.408356028
10 11 4.422158357 4.237482109
11 12 4.36174847 4.081486444
12 13 4.30617676 3.937984342
13 14 4.254725393 3.805122148
EOD
set title 'fatigue'
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 6 to graph 1, first 8 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M0 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 1.756813371 + (8.068933532 - 1.756813371) * exp(-(x - 1) / 9.972219774) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E0 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E0 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M1 << EOD
0 1 7.5
1 2 7
2 3 7
3 4 6
4 5 6
5 6 5.5
6 7 5
7 8 4.5
8 9 4.5
9 10 4
10 11 4
11 12 3.5
12 13 3.5
13 14 3.5
EOD
$E1 << EOD
0 1 5.893746144 8.111327601
1 2 5.404822567 6.95006919
2 3 5.118820609 6.270776566
3 4 4.915898991 5.788810779
4 5 4.758500755 5.41496907
5 6 4.629897033 5.109518154
6 7 4.521164134 4.851263084
7 8 4.426975414 4.627552367
8 9 4.343895074 4.43022553
9 10 4.269577178 4.253710659
10 11 4.202348464 4.094033536
11 12 4.140973456 3.948259743
12 13 4.084513922 3.814160853
13 14 4.032240558 3.690004673
EOD
set title 'sleep'
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 5.5 to graph 1, first 7.5 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M1 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 1.057887745 + (7.630581563 - 1.057887745) * exp(-(x - 1) / 12.0413552) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E1 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E1 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M2 << EOD
0 1 8
1 2 7.5
2 3 7
3 4 6.5
4 5 6
5 6 5
6 7 5
7 8 4.5
8 9 4
9 10 4
10 11 3.5
11 12 3.5
12 13 3
13 14 3
EOD
$E2 << EOD
0 1 5.570605436 8.673431872
1 2 5.102067604 7.266715286
2 3 4.827990542 6.443838835
3 4 4.633529772 5.859998701
4 5 4.48269428 5.407137111
5 6 4.35945271 5.03712225
6 7 4.255253447 4.724279142
7 8 4.16499194 4.453282116
8 9 4.085375648 4.214245798
9 10 4.014156448 4.000420526
10 11 3.949730845 3.806992038
11 12 3.890914878 3.630405664
12 13 3.836809433 3.467961947
13 14 3.786715615 3.317562557
EOD
set title 'focus'
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 6 to graph 1, first 8 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M2 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 0.7368818154 + (8.154484933 - 0.7368818154) * exp(-(x - 1) / 10.52003158) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E2 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E2 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
$M3 << EOD
0 1 3
1 2 3
2 3 3
3 4 2.5
4 5 2.5
5 6 2
6 7 2
7 8 2
8 9 2
9 10 2
10 11 1.5
11 12 1.5
12 13 1.5
13 14 1.5
EOD
$E3 << EOD
0 1 5.314791092 3.394639237
1 2 4.879436696 2.914850652
2 3 4.624770699 2.634192321
3 4 4.444082299 2.435062066
4 5 4.303929488 2.28060464
5 6 4.189416302 2.154403735
6 7 4.092596784 2.047702389
7 8 4.008727902 1.95527348
8 9 3.934750306 1.873745404
9 10 3.868575091 1.800816054
10 11 3.808712327 1.734843433
11 12 3.754061906 1.674615149
12 13 3.703788391 1.619210498
13 14 3.657242387 1.567913804
EOD
set title 'pain'
set xrange [0.5:14.5]
set yrange [0:10]
set xlabel 'session number'
set ylabel 'score (0-10, lower is better)'
set xtics 1
unset object
unset arrow
set key top right box opaque font ',9'
set object 1 rect from graph 0, first 1 to graph 1, first 3 fc rgb '#e4e4e4' fs solid 1.0 noborder behind
set arrow from 9.5, graph 0 to 9.5, graph 1 nohead dt 3 lw 2 lc rgb '#444444'
plot NaN with boxes fc rgb '#e4e4e4' fs solid title 'MCID band from baseline', NaN with lines dt 3 lw 2 lc rgb '#444444' title 'break', $M3 using 2:3 with linespoints lw 2 lc rgb '#1b3a6b' dt 1 pt 7 title 'score', [1:*] 0.5962417388 + (3.14409373 - 0.5962417388) * exp(-(x - 1) / 11.63947732) with lines lw 2 dt 2 lc rgb '#000000' title 'plateau fit', $E3 using 2:3 with lines lw 2 dt 4 lc rgb '#666666' title 'expected (clinic mean)', $E3 using 2:4 with lines lw 1 dt 1 lc rgb '#999999' title 'this course (model)'
unset multiplot
set output
